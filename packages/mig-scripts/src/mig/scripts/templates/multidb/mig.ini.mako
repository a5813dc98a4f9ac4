# mig configuration for several databases.

[mig]
script_location = ${script_location_ini}
prepend_sys_path = .
path_separator = os
output_encoding = utf-8

# the databases, each configured in the section of the same name below
databases = engine1, engine2

[engine1]
sqlalchemy.url = sqlite:///engine1.db

[engine2]
sqlalchemy.url = sqlite:///engine2.db


[post_write_hooks]
# hooks = ruff
# ruff.type = exec
# ruff.executable = ruff
# ruff.options = format REVISION_SCRIPT_FILENAME


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
