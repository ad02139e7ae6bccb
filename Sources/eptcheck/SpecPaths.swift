import ArgumentParser
import Foundation
import Spec

/// The spec files or directories a command reads, `./specs` when none are given, and the kernel
/// release whose model runs.
struct SpecPaths: ParsableArguments {
  @Argument(help: "Spec files or directories (default: ./specs).")
  var paths: [String] = []

  @Option(
    help: ArgumentHelp(
      "The kernel release to check: mainline (the default) or a release overlay of the specs.",
      discussion: "`eptcheck list --kernels` lists them.", valueName: "release"))
  var kernel: String?

  var resolved: [String] { paths.isEmpty ? ["specs"] : paths }

  /// The kernel release selected, nil for mainline.
  var release: String? { kernel == LoadedSpec.mainline ? nil : kernel }

  func validate() throws {
    guard let release else { return }
    // Named variant files run on their own releases; the selection is for directories.
    let directories = resolved.filter { path in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        && isDirectory.boolValue
    }
    guard !directories.isEmpty else { return }
    let known = LoadedSpec.releases(in: directories)
    guard known.contains(release) else {
      let names = ([LoadedSpec.mainline] + known).joined(separator: ", ")
      throw ValidationError("unknown kernel release '\(release)'; the specs have: \(names)")
    }
  }
}

extension SpecPaths {
  /// Loads the specs, printing their warnings to stderr; a spec that does not load is a failure
  /// (exit code 65) with its diagnostics.
  static func load(_ paths: [String], kernel: String? = nil, warnings: Bool = true) throws
    -> LoadedSpec
  {
    let spec: LoadedSpec
    do {
      spec = try LoadedSpec.load(paths: paths, kernel: kernel)
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

  /// Loads the paths for the selected kernel release.
  func load(warnings: Bool = true) throws -> LoadedSpec {
    try Self.load(resolved, kernel: release, warnings: warnings)
  }
}
