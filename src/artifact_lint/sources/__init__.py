"""Sources: files read into plain values with the position of every node.

The first stage of the pipeline. `loader` reads YAML and JSON with positions, `files`
reads one file below the root (size limit, no link out), `discovery` chooses which files
a run reads (`patterns`: excludes, .gitignore files, globs), `containment` refuses any
write that leaves the root or is not a regular file, `registry` reads the Markdown
registry document, and `public_copy` gathers the public text (cards, READMEs, index
headlines) the claims rules read (`copy_text` reads a file into blocks, `package_index`
the package index).
"""
