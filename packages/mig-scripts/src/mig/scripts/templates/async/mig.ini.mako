# mig configuration: the [mig] section is read by the mig command.

[mig]
# where env.py, script.py.mako and versions/ live; %(here)s is this file's directory
script_location = ${script_location_ini}

# sys.path entries to add before env.py runs (the project root by default)
prepend_sys_path = .

# how prepend_sys_path and version_locations split into paths: os (this platform's
# path separator, "${path_separator_example}"), space, newline, ; or :
path_separator = os

# revision file names: tokens rev, slug, epoch, year, month, day, hour, minute, second
# file_template = %%(year)d_%%(month).2d_%%(day).2d-%%(rev)s_%%(slug)s

# longest slug taken from the message
# truncate_slug_length = 40

# time zone of "Create Date" in new revisions (a zoneinfo name, e.g. UTC)
# timezone = UTC

# run env.py during `mig revision` even without --autogenerate
# revision_environment = false

# accept .pyc revision files that have no .py source
# sourceless = false

# more version directories (each must exist; `mig revision --version-path` picks one)
# version_locations = ${script_location_ini}/versions${path_separator_example}%(here)s/more_versions

# search version locations recursively
# recursive_version_locations = false

output_encoding = utf-8

sqlalchemy.url = sqlite+aiosqlite:///app.db


[post_write_hooks]
# programs run on each new revision file, e.g. format it with ruff:
# hooks = ruff
# ruff.type = exec
# ruff.executable = ruff
# ruff.options = format REVISION_SCRIPT_FILENAME


# logging, read by logging.config.fileConfig in env.py
[loggers]
keys = root,sqlalchemy,mig

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_mig]
level = INFO
handlers =
qualname = mig

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
