import Foundation

/// A scenario of a loaded spec, as the command line lists and runs it.
public struct ScenarioInfo: Hashable, Sendable {
  public var name: String
  public var location: SourceLocation
  public var expectation: Expectation
  public var threadNames: [String]
  /// The program the scenario belongs to: `"base"`, or the path of the variant file.
  public var program: String
  /// The other kinds `expect violation a, b;` allows: consequences of the bug, which may show
  /// beside the expected kind without failing the scenario; any kind not listed fails it.
  public var alsoExpected: [String] = []
  /// Built from the actor catalogue (ScenarioSynthesis), not written in a file.
  public var isSynthesized = false

  public init(
    name: String, location: SourceLocation, expectation: Expectation, threadNames: [String],
    program: String, alsoExpected: [String] = [], isSynthesized: Bool = false
  ) {
    self.alsoExpected = alsoExpected
    self.isSynthesized = isSynthesized
    self.name = name
    self.location = location
    self.expectation = expectation
    self.threadNames = threadNames
    self.program = program
  }
}

/// A set of `.ept` files, parsed, checked and compiled: the base program and its variants.
///
/// All files that are not variants form one base program. A file that starts with
/// `variant of "path";` forms its own program: the base files at or under `path` (relative to the
/// variant's directory) plus its own declarations, where functions marked `override` replace
/// the base's. A variant program runs only the variant's own scenarios.
public final class LoadedSpec: Sendable {
  let programs: [Program]
  /// The pointer analysis of each program, for its scenarios' invisible steps.
  private let pointers: [PointerAnalysis]
  /// The live-variable analysis of each program, for zeroing dead slots (see LiveSlots).
  private let liveSlots: [LiveSlots]
  private let index: [String: (program: Int, scenario: Int)]
  public let scenarios: [ScenarioInfo]
  public let warnings: [Diagnostic]
  /// A hash of the text of every file loaded (64-bit FNV-1a, 16 hex digits), variant bases
  /// included: two runs whose hashes differ did not check the same model.
  public let contentHash: String
  /// The patch loaded (a variant named on its own without scenarios), if any.
  public let patch: String?
  /// The functions the patch overrides, in its order.
  public let overriddenFunctions: [String]

  private init(
    programs: [Program], scenarios: [ScenarioInfo], index: [String: (Int, Int)],
    warnings: [Diagnostic], contentHash: String, patch: String? = nil,
    overriddenFunctions: [String] = []
  ) {
    self.patch = patch
    self.overriddenFunctions = overriddenFunctions
    self.programs = programs
    self.pointers = programs.map { PointerAnalysis(program: $0) }
    self.liveSlots = programs.map { LiveSlots(program: $0) }
    self.scenarios = scenarios
    self.index = index
    self.warnings = warnings
    self.contentHash = contentHash
  }

  /// The transition system of one scenario.
  ///
  /// `scenario` should come from `scenarios`; an unknown one gives a system with no threads.
  /// With `loopBounds` off, `bound N` loops run without counting, for a stateful search that
  /// finds livelocks as cycles instead. With `invisibleSteps` off, every scheduling point is a
  /// step, even one no other thread can conflict with (see InvisibleSteps). With `liveVariables`
  /// off, dead frame slots keep their values instead of being zeroed at each scheduling point
  /// (see LiveSlots), so that states differing only in them stay apart. With `memoizesSteps`
  /// off, every step and final check is interpreted, even one run before from the same inputs
  /// (see StepMemo, FinalCheckMemo).
  public func system(
    for scenario: ScenarioInfo, loopBounds: Bool = true, invisibleSteps: Bool = true,
    liveVariables: Bool = true, memoizesSteps: Bool = true
  ) -> ScenarioSystem {
    guard let (p, s) = index[scenario.name], programs.indices.contains(p),
      programs[p].scenarios.indices.contains(s)
    else {
      let empty = Program(
        name: "empty", ops: [], sites: [], functions: [], builtins: [], cells: [], initialCells: [],
        scenarios: [], vmBuggedCell: 0, finalChecks: [])
      let none = CompiledScenario(
        name: scenario.name, location: scenario.location, expectation: scenario.expectation,
        threads: [], initFunction: nil, finallyFunction: nil)
      return ScenarioSystem(program: empty, scenario: none, info: scenario, loopBounds: loopBounds)
    }
    let program = programs[p]
    return ScenarioSystem(
      program: program, scenario: program.scenarios[s], info: scenario, loopBounds: loopBounds,
      pointers: invisibleSteps ? pointers[p] : nil, liveSlots: liveVariables ? liveSlots[p] : nil,
      memoizesSteps: memoizesSteps)
  }

  /// The scenario with this name, if any.
  public func scenario(named name: String) -> ScenarioInfo? { scenarios.first { $0.name == name } }

  /// Loads one source text (for tests and tools).
  public static func load(source: String, file: String, library: Library = .kvm)
    throws(SpecError) -> LoadedSpec
  {
    try load(sources: [(file, source)], library: library)
  }

  /// Loads files and directories (recursively, every `*.ept`, sorted by path).
  ///
  /// `kernel` selects the kernel release whose model runs: nil (or `"mainline"`) for the base
  /// files, or the name of a release overlay (`releases/<name>/`, see ReleaseOverlay). Variants
  /// found in a directory run only if they belong to that release; a variant file named on its
  /// own always runs, on its own release.
  ///
  /// `synthesis` says which scenarios the actor catalogue adds to those written in the files
  /// (ScenarioSynthesis). A variant named on its own with no scenarios of its own is a *patch*:
  /// it runs its base's hand-written and synthesized scenarios under its overrides, and the base
  /// program then runs none (`overriddenFunctions` lists what it changes).
  public static func load(
    paths: [String], library: Library = .kvm, kernel: String? = nil,
    synthesis: Synthesis = .none
  )
    throws(SpecError) -> LoadedSpec
  {
    let sink = DiagnosticSink()
    var sources: [(String, String)] = []
    var seen: Set<String> = []
    var named: Set<String> = []
    for path in paths {
      let files = collect(path, sink: sink)
      if files == [normalize(path)] { named.insert(normalize(path)) }
      for file in files where seen.insert(file).inserted {
        if let text = read(file, sink: sink) { sources.append((file, text)) }
      }
    }
    if sink.hasErrors { throw SpecError(diagnostics: sink.sorted) }
    return try load(
      sources: sources, library: library, sink: sink,
      selection: ReleaseSelection(kernel: kernel == mainline ? nil : kernel, named: named),
      synthesis: synthesis,
      resolveMissing: { base in
        var extra: [(String, String)] = []
        let quiet = DiagnosticSink()
        for file in collect(base, sink: quiet) {
          if let text = read(file, sink: quiet) { extra.append((file, text)) }
        }
        return extra
      })
  }

  static func collect(_ path: String, sink: DiagnosticSink) -> [String] {
    var isDirectory: ObjCBool = false
    let where_ = SourceLocation(file: path, line: 0, column: 0)
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      sink.error(where_, "no such file or directory")
      return []
    }
    guard isDirectory.boolValue else {
      // Only spec files are read, so that no other file's lines are ever shown in a diagnostic.
      guard path.hasSuffix(".ept") else {
        sink.error(where_, "not a .ept file (a spec path names a .ept file or a directory of them)")
        return []
      }
      return [normalize(path)]
    }
    guard let enumerator = FileManager.default.enumerator(atPath: path) else {
      sink.error(where_, "cannot read directory")
      return []
    }
    var files: [String] = []
    var entries = 0
    while let relative = enumerator.nextObject() as? String {
      entries += 1
      if entries > maxDirectoryEntries {
        sink.error(
          where_,
          "more than \(maxDirectoryEntries) entries under this directory: not a spec directory")
        return []
      }
      if relative.hasSuffix(".ept") {
        let full = normalize(path + "/" + relative)
        var dir: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue {
          files.append(full)
        }
      }
    }
    if files.isEmpty { sink.error(where_, "directory contains no .ept files") }
    return files.sorted()
  }

  private static func read(_ file: String, sink: DiagnosticSink) -> String? {
    guard let data = FileManager.default.contents(atPath: file) else {
      sink.error(SourceLocation(file: file, line: 0, column: 0), "cannot read file")
      return nil
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// The most entries a spec directory may hold (a variant of `"/"` must not walk the disk).
  static let maxDirectoryEntries = 20_000

  /// Removes `.` and `..` components and duplicate slashes.
  static func normalize(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
        continue
      }
      if part == "..", absolute { continue }
      parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
  }

  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
  }

  /// Loads in-memory sources, each a path and its text.
  public static func load(sources: [(path: String, text: String)], library: Library = .kvm)
    throws(SpecError) -> LoadedSpec
  {
    try load(
      sources: sources.map { ($0.path, $0.text) }, library: library, sink: DiagnosticSink(),
      selection: ReleaseSelection(kernel: nil, named: nil), synthesis: .none,
      resolveMissing: { _ in [] })
  }

  private static func load(
    sources: [(String, String)], library: Library, sink: DiagnosticSink,
    selection: ReleaseSelection, synthesis: Synthesis,
    resolveMissing: (String) -> [(String, String)]
  ) throws(SpecError) -> LoadedSpec {
    let typeNames = Set(library.typeNames.keys)
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func parse(_ path: String, _ text: String) -> SourceFile {
      for byte in text.utf8 + [0] { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      sink.addSource(file: path, text: text)
      var parser = Parser(text: text, file: path, sink: sink, typeNames: typeNames)
      var file = parser.parseFile()
      // An actor is two functions of its file: its run block and its init block.
      for actor in file.actors {
        file.functions.append(ScenarioSynthesis.runFunction(actor))
        if let initFunction = ScenarioSynthesis.initFunction(actor) {
          file.functions.append(initFunction)
        }
      }
      return file
    }
    var files = sources.sorted { $0.0 < $1.0 }.map { parse($0.0, $0.1) }
    let explicit = Set(files.map(\.path))
    for file in files where releaseDirectory(ofFile: file.path) != nil && file.variantOf == nil {
      sink.error(
        SourceLocation(file: file.path, line: 1, column: 1),
        "a file of a release overlay must start with 'variant of \"...\";' naming the release it changes"
      )
    }
    var variants = files.filter { $0.variantOf != nil && releaseDirectory(ofFile: $0.path) == nil }
    var bases = files.filter { $0.variantOf == nil && releaseDirectory(ofFile: $0.path) == nil }
    var overlays = ReleaseOverlays(
      files: files.filter { releaseDirectory(ofFile: $0.path) != nil }, sink: sink)

    // Resolve each variant's base, loading it from disk when it was not named.
    var variantBases: [String: [SourceFile]] = [:]
    var variantReleases: [String: String?] = [:]
    for variant in variants {
      guard let (basePath, location) = variant.variantOf else { continue }
      let resolved = normalize(
        basePath.hasPrefix("/") ? basePath : directory(of: variant.path) + "/" + basePath)
      if isReleaseDirectory(resolved) {
        variantReleases[variant.path] = releaseName(resolved)
        variantBases[variant.path] = overlays.base(
          of: resolved, at: location, bases: &bases, files: &files, parse: parse,
          resolveMissing: resolveMissing)
        continue
      }
      variantReleases[variant.path] = .some(nil)
      func matching() -> [SourceFile] {
        bases.filter {
          $0.path == resolved || $0.path.hasPrefix(resolved == "." ? "" : resolved + "/")
        }
      }
      var found = matching()
      if found.isEmpty {
        for (path, text) in resolveMissing(resolved)
        where !files.contains(where: { $0.path == path }) {
          let file = parse(path, text)
          files.append(file)
          if file.variantOf == nil { bases.append(file) }
        }
        found = matching()
      }
      if found.isEmpty {
        sink.error(
          location,
          "variant base '\(basePath)' not found: no loaded non-variant .ept file is at or under '\(resolved)'"
        )
      }
      variantBases[variant.path] = found
    }
    if sink.hasErrors { throw SpecError(diagnostics: sink.sorted) }
    // A variant found in a directory runs only on its own release.
    variants = variants.filter {
      (selection.named?.contains($0.path) ?? true)
        || (variantReleases[$0.path] ?? nil) == selection.kernel
    }
    variants.sort { $0.path < $1.path }
    var baseScenarioFiles = Set(bases.map(\.path).filter { explicit.contains($0) })
    // The release's base scenarios run when base files were named; with only variant files
    // named, each runs on its own release and the selection changes nothing.
    if let kernel = selection.kernel, !baseScenarioFiles.isEmpty {
      guard let release = overlays.directory(named: kernel) else {
        sink.error(
          SourceLocation(file: kernel, line: 0, column: 0),
          "unknown kernel release '\(kernel)': the loaded specs have no releases/\(kernel)/ overlay"
        )
        throw SpecError(diagnostics: sink.sorted)
      }
      let location = SourceLocation(file: release, line: 0, column: 0)
      bases = overlays.base(
        of: release, at: location, bases: &bases, files: &files, parse: parse,
        resolveMissing: resolveMissing)
      baseScenarioFiles.formUnion(bases.map(\.path).filter { explicit.contains($0) })
      if sink.hasErrors { throw SpecError(diagnostics: sink.sorted) }
    }

    for variant in variants {
      for actor in variant.actors {
        sink.error(
          actor.location,
          "actor '\(actor.name)' is declared in a variant; the actor catalogue belongs in the base files"
        )
      }
      for finding in variant.findings {
        sink.error(
          finding.location,
          "a finding is declared in a variant; findings of synthesized scenarios belong in the base files"
        )
      }
    }
    // A patch: a variant named on its own, with no scenarios of its own.
    let patches = variants.filter {
      (selection.named?.contains($0.path) ?? false) && $0.scenarios.isEmpty
    }
    for extra in patches.dropFirst() {
      sink.error(
        extra.variantOf?.location ?? SourceLocation(file: extra.path, line: 1, column: 1),
        "more than one patch (a variant without scenarios): check \(patches[0].path) and \(extra.path) one at a time"
      )
    }
    if sink.hasErrors { throw SpecError(diagnostics: sink.sorted) }
    let patch = patches.first
    var overridden: [String] = []
    if let patch { overridden = patch.functions.filter(\.isOverride).map(\.name) }

    var programs: [Program] = []
    var infos: [ScenarioInfo] = []
    var index: [String: (Int, Int)] = [:]
    var scenarioLocations: [String: SourceLocation] = [:]
    func register(_ program: Program, files: [SourceFile], name: String) {
      let p = programs.count
      programs.append(program)
      for (s, scenario) in program.scenarios.enumerated() {
        if let previous = scenarioLocations[scenario.name] {
          sink.error(
            scenario.location, "duplicate scenario name '\(scenario.name)' (also at \(previous))")
          continue
        }
        scenarioLocations[scenario.name] = scenario.location
        index[scenario.name] = (p, s)
        infos.append(
          ScenarioInfo(
            name: scenario.name, location: scenario.location, expectation: scenario.expectation,
            threadNames: scenario.threads.map(\.name), program: name,
            alsoExpected: scenario.alsoExpected, isSynthesized: scenario.isSynthesized))
      }
    }
    if !bases.isEmpty {
      let compiler = Compiler(library: library, sink: sink, programName: "base")
      let runsScenarios = patch == nil && !baseScenarioFiles.isEmpty
      if let program = compiler.compile(
        files: bases, variant: nil, scenarioFiles: patch == nil ? baseScenarioFiles : [],
        synthesized: runsScenarios ? synthesize(bases, synthesis, sink: sink) : [])
      {
        register(program, files: bases, name: "base")
      }
    }
    if sink.hasErrors { throw SpecError(diagnostics: sink.sorted) }
    for variant in variants {
      let compiler = Compiler(library: library, sink: sink, programName: variant.path)
      let base = variantBases[variant.path] ?? []
      let isPatch = variant.path == patch?.path
      if let program = compiler.compile(
        files: base, variant: variant,
        scenarioFiles: isPatch ? Set(base.map(\.path) + [variant.path]) : [variant.path],
        synthesized: isPatch ? synthesize(base, synthesis, sink: sink) : [])
      {
        register(program, files: [variant], name: variant.path)
      }
    }
    if sink.hasErrors { throw SpecError(diagnostics: sink.sorted) }
    // Deterministic order: by file path, then source order.
    let order = infos.enumerated().sorted { a, b in
      if a.element.location.file != b.element.location.file {
        return a.element.location.file < b.element.location.file
      }
      return a.offset < b.offset
    }.map(\.element)
    return LoadedSpec(
      programs: programs, scenarios: order, index: index,
      warnings: sink.sorted.filter { $0.severity == .warning },
      contentHash: String(hash, radix: 16).leftPadded(to: 16), patch: patch?.path,
      overriddenFunctions: overridden)
  }

  /// The synthesized scenarios of the catalogue in `files`, findings applied, each with the file
  /// of its first actor.
  private static func synthesize(_ files: [SourceFile], _ level: Synthesis, sink: DiagnosticSink)
    -> [(ScenarioDecl, String)]
  {
    let actors = files.flatMap { file in file.actors.map { (actor: $0, file: file.path) } }
    var vcpus = 2
    for file in files {
      for constant in file.constants where constant.name == "NR_VCPUS" {
        if case .integer(let n) = constant.value.kind { vcpus = Int(n) }
      }
    }
    let names = Set(actors.map(\.actor.name))
    for (actor, _) in actors {
      for partner in actor.partners ?? [] where !names.contains(partner) {
        sink.error(
          actor.location,
          "actor '\(actor.name)' runs with unknown actor '\(partner)'"
            + Suggestion.didYouMean(partner, among: names.sorted()))
      }
    }
    let synthesis = ScenarioSynthesis(actors: actors, vcpus: vcpus)
    var scenarios = synthesis.scenarios(level)
    let fileOf = Dictionary(
      actors.map { ($0.actor.name, $0.file) }, uniquingKeysWith: { a, _ in a })
    var position: [String: Int] = [:]
    for (i, scenario) in scenarios.enumerated() { position[scenario.name] = i }
    for file in files {
      for finding in file.findings {
        guard let i = position[finding.scenario] else {
          let covered =
            level == .triples || (level == .pairs && finding.scenario.hasPrefix("pair_"))
          if covered {
            sink.error(
              finding.location,
              "no synthesized scenario is named '\(finding.scenario)'"
                + Suggestion.didYouMean(finding.scenario, among: scenarios.map(\.name)))
          }
          continue
        }
        scenarios[i].expectation = .violation(kind: finding.kind)
        scenarios[i].expectationLocation = finding.kindLocation
        scenarios[i].alsoExpected = finding.alsoExpected
        scenarios[i].location = finding.location
      }
    }
    return scenarios.map { ($0, fileOf[$0.threads[0].function] ?? files.first?.path ?? "") }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
