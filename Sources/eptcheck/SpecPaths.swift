import ArgumentParser

/// The spec files or directories a command reads, `./specs` when none are given.
struct SpecPaths: ParsableArguments {
  @Argument(help: "Spec files or directories (default: ./specs).")
  var paths: [String] = []

  var resolved: [String] { paths.isEmpty ? ["specs"] : paths }
}
