"""One loader per data set: the official download, an offline registry source, checksums."""
