import Explorer

/// Checks a set of parsed files and compiles them into a `Program` in one walk.
///
/// Checking and code generation share the walk because both need the same name resolution and
/// types; every check reports through the sink and compilation goes on, so one load reports
/// every mistake it can find. Locals and temporaries live in frame slots; temporaries are
/// released at the end of each statement.
final class Compiler {
  let library: Library
  let sink: DiagnosticSink
  let programName: String

  // Globals.
  enum Global {
    case shared(cell: Int, length: Int?, type: SpecType)
    case constant(Value, SpecType)
    case function(Int)
  }
  var globals: [String: (Global, SourceLocation?)] = [:]
  var cells: [CellInfo] = []
  var initialCells: [Value] = []
  var functionDecls: [(decl: FunctionDecl, file: String)] = []
  var signatures: [(parameters: [(name: String, type: SpecType)], result: SpecType)] = []
  var builtins: [Builtin] = []
  var builtinIndex: [String: Int32] = [:]
  var texts: [String: [UInt8]] = [:]

  // Output.
  var ops: [Op] = []
  var sites: [Site] = []
  var compiled: [CompiledFunction] = []
  var scenarios: [CompiledScenario] = []
  var staticFootprints: [Int32: Footprint] = [:]
  var regionFootprints: [Int32: RegionFootprint] = [:]
  // Invariant hooks (Compiler+Hooks).
  var finalHooks: [String] = []
  var releaseHooks: [ReleaseKey: [String]] = [:]
  var compilingHook = false

  // Per-function state.
  struct Local {
    var name: String
    var slot: Int32
    var type: SpecType
    var location: SourceLocation
    var isRead: Bool
    var isParameter: Bool
  }
  var scopes: [[String: Int]] = []
  var locals: [Local] = []
  var nextSlot: Int32 = 0
  var maxSlot: Int32 = 0
  var currentFunction: Int32 = 0
  var currentFile = ""
  var currentResult: SpecType = .void
  var currentName = ""
  struct LoopContext {
    var breaks: [Int] = []
    var continues: [Int] = []
    var atomicDepth: Int
    var hasBreak = false
  }
  var loops: [LoopContext] = []
  var atomicDepth = 0
  enum Context { case function, initBlock, finallyBlock }
  var context: Context = .function

  init(library: Library, sink: DiagnosticSink, programName: String) {
    self.library = library
    self.sink = sink
    self.programName = programName
    for (i, cell) in library.implicitCells.enumerated() {
      cells.append(CellInfo(name: cell.name, kind: i == Library.rcuCell ? .rcu : .value))
      initialCells.append(cell.initial)
      if cell.isVisible {
        globals[cell.name] = (.shared(cell: i, length: nil, type: cell.type), nil)
      }
    }
    for name in library.builtins.keys.sorted() {
      guard let builtin = library.builtins[name] else { continue }
      builtinIndex[name] = Int32(builtins.count)
      builtins.append(builtin)
    }
  }

  /// Compiles `base` files plus an optional variant file; only `scenarioFiles` contribute scenarios.
  /// `synthesized` are scenarios built from the actor catalogue, each with its file.
  func compile(
    files: [SourceFile], variant: SourceFile?, scenarioFiles: Set<String>,
    synthesized: [(ScenarioDecl, String)] = []
  ) -> Program? {
    for file in files + (variant.map { [$0] } ?? []) { texts[file.path] = Array(file.text.utf8) }
    for file in files { declare(file, isVariant: false) }
    if let variant { declare(variant, isVariant: true) }
    if cells.count > 256 {
      if let first = (files + (variant.map { [$0] } ?? [])).first {
        sink.warning(
          SourceLocation(file: first.path, line: 0, column: 0),
          "\(cells.count) shared cells: object ids above 255 fold, which is sound but explores more"
        )
      }
    }
    collectHooks()
    for (index, entry) in functionDecls.enumerated() {
      compilingHook = !entry.decl.hooks.isEmpty
      compileFunction(index, entry.decl, file: entry.file)
    }
    compilingHook = false
    for file in files + (variant.map { [$0] } ?? []) where scenarioFiles.contains(file.path) {
      for scenario in file.scenarios { compileScenario(scenario, file: file.path) }
    }
    for (scenario, file) in synthesized { compileScenario(scenario, file: file) }
    if sink.hasErrors { return nil }
    return Program(
      name: programName, ops: ops, sites: sites, functions: compiled, builtins: builtins,
      cells: cells, initialCells: initialCells, scenarios: scenarios,
      vmBuggedCell: Library.vmBuggedCell, finalChecks: library.finalChecks,
      staticFootprints: staticFootprints, regionFootprints: regionFootprints,
      checksPlainRaces: library.checksPlainRaces, constants: namedConstants)
  }

  /// The constants in scope, sorted by name so that traces name a value the same way every run.
  var namedConstants: [(name: String, value: Value)] {
    var all: [String: Value] = library.constants.mapValues(\.1)
    for (name, (global, _)) in globals {
      if case .constant(let value, _) = global { all[name] = value }
    }
    return all.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
  }

  // MARK: Emission

  func emit(_ op: Op, _ location: SourceLocation, text: String = "") -> Int {
    ops.append(op)
    sites.append(Site(location: location, text: text, function: currentFunction))
    return ops.count - 1
  }

  func patch(_ at: Int, target: Int) {
    let t = Int32(target)
    switch ops[at] {
    case .jump: ops[at] = .jump(target: t)
    case .branchFalse(let c, _): ops[at] = .branchFalse(condition: c, target: t)
    case .branchTrue(let c, _): ops[at] = .branchTrue(condition: c, target: t)
    case .atomicBegin: ops[at] = .atomicBegin(end: t)
    case .awaitBegin: ops[at] = .awaitBegin(end: t)
    default: break
    }
  }

  func temp() -> Int32 {
    let slot = nextSlot
    nextSlot += 1
    maxSlot = max(maxSlot, nextSlot)
    return slot
  }

  func text(_ expr: Expr) -> String {
    guard let bytes = texts[expr.location.file], expr.start >= 0, expr.end <= bytes.count,
      expr.start <= expr.end
    else { return "" }
    return String(decoding: bytes[expr.start..<expr.end], as: UTF8.self)
  }
}
