"""Model: the formats as pydantic models, the policy, configuration and the repository.

`formats` holds the file formats (one model is validator and JSON Schema), `validation`
turns pydantic errors into issues, `config` (the settings, one model; `config_files` finds
and reads the file) and `policy` what a run is told, `findings` what rules report,
`repository` the loaded repository every rule reads, `load` its records read from disk
and `build` the repository one run reads, put together.
"""
