/// Release overlays: the model of an older kernel release as a directory of override files.
///
/// The base files model current mainline. `<dir>/releases/<name>/` holds the files that make the
/// base into release `<name>`: each starts with `variant of "path";` naming the release it
/// changes (`"../.."` for mainline, `"../7.1"` for another release), its `override` functions
/// replace the functions of that release, and its other declarations and scenarios are added.
/// Unlike a variant, an overlay is a base itself: its scenarios run with the base's (under
/// `--kernel <name>`), and a variant may name it (`variant of "../releases/7.1";`) to run on it.
struct ReleaseSelection {
  /// The release whose scenarios run; nil for mainline.
  var kernel: String?
  /// The files named on their own, which run whatever their release; nil when every file was
  /// named (in-memory sources).
  var named: Set<String>?
}

extension LoadedSpec {
  /// The name of the release the base files model.
  public static let mainline = "mainline"

  /// The release directory of `path` if it is a file `<...>/releases/<name>/<file>.ept`.
  static func releaseDirectory(ofFile path: String) -> String? {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 3, parts[parts.count - 3] == "releases" else { return nil }
    return parts.dropLast().joined(separator: "/")
  }

  /// Whether `path` names a release directory, `<...>/releases/<name>`.
  static func isReleaseDirectory(_ path: String) -> Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count >= 2 && parts[parts.count - 2] == "releases"
  }

  static func releaseName(_ directory: String) -> String {
    String(directory.split(separator: "/").last ?? "")
  }

  /// The release overlays under `paths`, by name, sorted newest first (by version number).
  public static func releases(in paths: [String]) -> [String] {
    var names: Set<String> = []
    let sink = DiagnosticSink()
    for path in paths {
      for file in collect(path, sink: sink) {
        if let directory = releaseDirectory(ofFile: file) { names.insert(releaseName(directory)) }
      }
    }
    return names.sorted { versionKey($0).lexicographicallyPrecedes(versionKey($1)) }.reversed()
  }

  private static func versionKey(_ name: String) -> [Int] {
    name.split(separator: ".").map { Int($0) ?? 0 }
  }
}

/// The overlay files loaded so far, and the base each release resolves to.
struct ReleaseOverlays {
  private var files: [String: [SourceFile]] = [:]
  private var merged: [String: [SourceFile]] = [:]
  private var resolving: Set<String> = []
  private let sink: DiagnosticSink

  init(files overlayFiles: [SourceFile], sink: DiagnosticSink) {
    self.sink = sink
    for file in overlayFiles {
      if let directory = LoadedSpec.releaseDirectory(ofFile: file.path) {
        files[directory, default: []].append(file)
      }
    }
  }

  /// The directory of the loaded release with this name.
  func directory(named name: String) -> String? {
    files.keys.sorted().first { LoadedSpec.releaseName($0) == name }
  }

  /// The base files of the release in `directory`: the files of the release it names, with its
  /// overrides applied and its own declarations added. Loads missing files from disk.
  mutating func base(
    of directory: String, at location: SourceLocation, bases: inout [SourceFile],
    files loaded: inout [SourceFile], parse: (String, String) -> SourceFile,
    resolveMissing: (String) -> [(String, String)]
  ) -> [SourceFile] {
    if let done = merged[directory] { return done }
    if files[directory] == nil {
      for (path, text) in resolveMissing(directory)
      where !loaded.contains(where: { $0.path == path }) {
        let file = parse(path, text)
        loaded.append(file)
        if LoadedSpec.releaseDirectory(ofFile: path) == directory {
          files[directory, default: []].append(file)
        }
      }
    }
    guard let overlay = files[directory]?.sorted(by: { $0.path < $1.path }), !overlay.isEmpty
    else {
      sink.error(location, "release '\(directory)' not found: no overlay files are in it")
      return []
    }
    guard resolving.insert(directory).inserted else {
      sink.error(location, "release '\(directory)' is based on itself")
      return []
    }
    defer { resolving.remove(directory) }
    // Every file of the release names the same base.
    let targets = overlay.compactMap { file in
      file.variantOf.map {
        (LoadedSpec.normalize(directory + "/" + $0.path), $0.location)
      }
    }
    guard let (target, targetLocation) = targets.first else { return [] }
    for (other, otherLocation) in targets where other != target {
      sink.error(
        otherLocation,
        "the files of a release overlay must name one base: '\(other)' here, '\(target)' at \(targetLocation)"
      )
    }
    var under: [SourceFile]
    if LoadedSpec.isReleaseDirectory(target) {
      under = base(
        of: target, at: targetLocation, bases: &bases, files: &loaded, parse: parse,
        resolveMissing: resolveMissing)
    } else {
      func matching() -> [SourceFile] {
        bases.filter { $0.path == target || $0.path.hasPrefix(target == "." ? "" : target + "/") }
      }
      under = matching()
      if under.isEmpty {
        for (path, text) in resolveMissing(target)
        where !loaded.contains(where: { $0.path == path }) {
          let file = parse(path, text)
          loaded.append(file)
          if file.variantOf == nil && LoadedSpec.releaseDirectory(ofFile: path) == nil {
            bases.append(file)
          }
        }
        under = matching()
      }
      if under.isEmpty {
        sink.error(
          targetLocation, "release base '\(target)' not found: no base .ept file is under it")
      }
    }
    let result = Self.apply(overlay, to: under, sink: sink)
    merged[directory] = result
    return result
  }

  /// `base` with the overlay's overrides in place of the functions they name, and the rest of
  /// the overlay's declarations added as files of their own.
  static func apply(_ overlay: [SourceFile], to base: [SourceFile], sink: DiagnosticSink)
    -> [SourceFile]
  {
    var result = base
    var owner: [String: (file: Int, function: Int)] = [:]
    func register(_ f: Int) {
      for (i, function) in result[f].functions.enumerated() { owner[function.name] = (f, i) }
    }
    for f in result.indices { register(f) }
    for var file in overlay {
      var own: [FunctionDecl] = []
      for var function in file.functions {
        guard function.isOverride else {
          own.append(function)
          continue
        }
        guard let (f, i) = owner[function.name] else {
          sink.error(
            function.location,
            "'override' of unknown function '\(function.name)': the release this overlay changes defines no such function"
          )
          continue
        }
        function.isOverride = false
        result[f].functions[i] = function
      }
      file.functions = own
      file.variantOf = nil
      result.append(file)
      register(result.count - 1)
    }
    return result
  }
}
