import ArgumentParser
import Spec

/// The spec files or directories a command reads, `./specs` when none are given.
struct SpecPaths: ParsableArguments {
  @Argument(help: "Spec files or directories (default: ./specs).")
  var paths: [String] = []

  var resolved: [String] { paths.isEmpty ? ["specs"] : paths }
}

extension SpecPaths {
  /// Loads the specs, printing their warnings to stderr; a spec that does not load is a failure
  /// (exit code 65) with its diagnostics.
  static func load(_ paths: [String], warnings: Bool = true) throws -> LoadedSpec {
    let spec: LoadedSpec
    do {
      spec = try LoadedSpec.load(paths: paths)
    } catch {
      throw Failure.badSpec(error).exit()
    }
    if warnings {
      for warning in spec.warnings {
        let shown = warning.rendered.escapingControlCharacters(keepingNewlines: true)
        Terminal.standardError.write(shown + "\n")
      }
    }
    return spec
  }
}
