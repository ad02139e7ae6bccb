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

  @Option(
    help: ArgumentHelp(
      "Scenarios to build from the actor catalogue besides the hand-written ones: none, pairs or triples.",
      discussion:
        "Default: \(SpecPaths.defaultSynthesis.rawValue) on mainline, none on an older release.",
      valueName: "level"))
  var synthesize: Synthesis?

  var resolved: [String] { paths.isEmpty ? ["specs"] : paths }

  /// What a run synthesizes unless told: the most the time bound of issue 16 allows.
  static let defaultSynthesis = Synthesis.pairs

  /// The synthesis level: as given, else the default on mainline and none on a release overlay,
  /// whose known bugs the bug variants check.
  var synthesis: Synthesis { synthesize ?? (release == nil ? Self.defaultSynthesis : .none) }

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
  static func load(
    _ paths: [String], kernel: String? = nil, synthesis: Synthesis = .none, warnings: Bool = true
  ) throws
    -> LoadedSpec
  {
    let spec: LoadedSpec
    do {
      spec = try LoadedSpec.load(paths: paths, kernel: kernel, synthesis: synthesis)
    } catch {
      if let hint = oneFileOfADirectory(paths, error, kernel: kernel) {
        throw Failure.badSpec(SpecError(diagnostics: [hint])).exit()
      }
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
    try Self.load(resolved, kernel: release, synthesis: synthesis, warnings: warnings)
  }
}

extension SpecPaths {
  /// The one error to show for a file given alone whose errors are all names its sibling files
  /// define: load the directory. nil when that is not the trouble (the directory does not load
  /// either, or the file has errors of its own).
  static func oneFileOfADirectory(_ paths: [String], _ error: SpecError, kernel: String?)
    -> Diagnostic?
  {
    guard paths.count == 1, let file = paths.first, file.hasSuffix(".ept") else { return nil }
    let errors = error.errors
    let unknown = errors.filter {
      $0.message.hasPrefix("unknown name '") || $0.message.hasPrefix("unknown function '")
        || $0.message.hasPrefix("unknown type '")
    }
    guard !unknown.isEmpty else { return nil }
    let directory =
      (file as NSString).deletingLastPathComponent.isEmpty
      ? "." : (file as NSString).deletingLastPathComponent
    let siblings = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasSuffix(".ept") && $0 != (file as NSString).lastPathComponent }
    guard !siblings.isEmpty, (try? LoadedSpec.load(paths: [directory], kernel: kernel)) != nil
    else { return nil }
    var names: [String] = []
    for diagnostic in unknown {
      let parts = diagnostic.message.split(separator: "'")
      if parts.count >= 2, !names.contains(String(parts[1])) { names.append(String(parts[1])) }
    }
    let shown =
      names.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 3 ? ", ..." : "")
    var hint = unknown[0]
    hint.message =
      "\(file) is one file of the spec in \(directory)/ and uses names its other files define "
      + "(\(shown); \(errors.count) errors in all): load the directory instead: eptcheck \(directory)"
    return hint
  }
}

extension Synthesis: ExpressibleByArgument {}
