"""The commands of the `waitwell` command line (registered in waitwell.cli)."""
