[tool.mig]
# where env.py, script.py.mako and versions/ live; %(here)s is this file's directory
script_location = "${script_location_ini}"

# sys.path entries to add before env.py runs
prepend_sys_path = ["."]

# revision file names: tokens rev, slug, epoch, year, month, day, hour, minute, second
# file_template = "%(year)d_%(month).2d_%(day).2d-%(rev)s_%(slug)s"

# truncate_slug_length = 40
# timezone = "UTC"
# revision_environment = false
# sourceless = false
# version_locations = ["${script_location_ini}/versions", "%(here)s/more_versions"]
# recursive_version_locations = false
output_encoding = "utf-8"

"sqlalchemy.url" = "sqlite:///app.db"

# programs run on each new revision file, e.g. format it with ruff:
# [[tool.mig.post_write_hooks]]
# name = "ruff"
# type = "exec"
# executable = "ruff"
# options = "format REVISION_SCRIPT_FILENAME"
