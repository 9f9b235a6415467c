"""Sources: files read into plain values with the position of every node.

The first stage of the pipeline. `loader` reads YAML and JSON with positions, `discovery`
chooses which files a run reads, `containment` refuses any path that leaves the root or is
not a regular file, `registry` reads the Markdown registry document, and `public_copy`
gathers the public text (cards, READMEs, index headlines) the claims rules read.
"""
