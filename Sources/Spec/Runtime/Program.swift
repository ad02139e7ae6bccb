import Explorer

/// Where an instruction came from, for traces and messages.
struct Site: Sendable {
  var location: SourceLocation
  /// The source text of the operation (`try_cmpxchg64(sptep, &old, FROZEN_SPTE)`).
  var text: String
  var function: Int32
}

struct CompiledFunction: Sendable {
  var name: String
  var location: SourceLocation
  var kernel: KernelReference?
  /// Whether the function's steps count as progress (`@progress`).
  var isProgress = false
  var entry: Int32
  var slotCount: Int32
  var parameterCount: Int
}

/// A shared cell as traces name it.
struct CellInfo: Sendable {
  enum Kind: Sendable { case value, rwlock, spinlock, rcu }
  var name: String
  var kind: Kind
}

/// A compiled program: the base model, or a variant of it, with its scenarios.
final class Program: Sendable {
  let name: String
  let ops: [Op]
  let sites: [Site]
  let functions: [CompiledFunction]
  /// Each function's entry pc and frame size, flat: a call reads two integers instead of
  /// copying a whole `CompiledFunction` (its name, its kernel reference) out of `functions`.
  let entries: [Int32]
  let slotCounts: [Int32]
  let builtins: [Builtin]
  let cells: [CellInfo]
  let initialCells: [Value]
  let scenarios: [CompiledScenario]
  let vmBuggedCell: Int
  /// Every named constant the program sees (the spec's `const` declarations and the library's
  /// errno and TDX codes), for traces that print values by their kernel names.
  let constants: [(name: String, value: Value)]
  let finalChecks: [@Sendable (FinalCheckContext) -> Violation?]
  /// Whether racing plain accesses are violations (`Library.checksPlainRaces`).
  let checksPlainRaces: Bool
  /// For `atomic` and `await` regions whose accesses are all direct: every access they may
  /// make, keyed by the pc of the region's first instruction.
  let staticFootprints: [Int32: Footprint]
  /// The fixed footprint of each `atomic` and `await` region, by the index of its first op.
  let regionFootprints: [Int32: RegionFootprint]
  /// The same two tables by pc, flat: `status` reads them at every atomic or await region, and
  /// a dictionary lookup hashes its key.
  let staticFootprintAt: [Footprint?]
  let regionFootprintAt: [RegionFootprint?]
  /// Per builtin, split out so the hot path touches one closure, not a whole `Builtin`.
  let fastPaths: [Builtin.FastPath]
  /// `Builtin.hasLocation` and `Builtin.access` per builtin: reading them through `builtins`
  /// copies a whole `Builtin` (strings, arrays, closures) on every step.
  let hasLocation: [Bool]
  /// Whether a freeze by the builtin claims the SPTE (Machine.frozenOwnership): only a
  /// compare-and-exchange, the freeze of `__tdp_mmu_set_spte_atomic`.
  let claimsFreeze: [Bool]
  let accesses: [Builtin.Access]
  let statusFunctions: [@Sendable (BuiltinCall, SharedCells) -> BuiltinStatus]
  let executeFunctions: [@Sendable (BuiltinCall, inout SharedCells) -> BuiltinOutcome]

  init(
    name: String, ops: [Op], sites: [Site], functions: [CompiledFunction], builtins: [Builtin],
    cells: [CellInfo], initialCells: [Value], scenarios: [CompiledScenario], vmBuggedCell: Int,
    finalChecks: [@Sendable (FinalCheckContext) -> Violation?],
    staticFootprints: [Int32: Footprint] = [:], regionFootprints: [Int32: RegionFootprint] = [:],
    checksPlainRaces: Bool = false, constants: [(name: String, value: Value)] = []
  ) {
    self.constants = constants
    self.checksPlainRaces = checksPlainRaces
    self.regionFootprints = regionFootprints
    self.staticFootprints = staticFootprints
    var staticAt = [Footprint?](repeating: nil, count: ops.count)
    for (pc, f) in staticFootprints where pc >= 0 && Int(pc) < ops.count { staticAt[Int(pc)] = f }
    self.staticFootprintAt = staticAt
    var regionAt = [RegionFootprint?](repeating: nil, count: ops.count)
    for (pc, r) in regionFootprints where pc >= 0 && Int(pc) < ops.count { regionAt[Int(pc)] = r }
    self.regionFootprintAt = regionAt
    self.finalChecks = finalChecks
    self.fastPaths = builtins.map(\.fastPath)
    self.hasLocation = builtins.map(\.hasLocation)
    self.claimsFreeze = builtins.map { $0.name == "try_cmpxchg64" }
    self.accesses = builtins.map(\.access)
    self.statusFunctions = builtins.map(\.status)
    self.executeFunctions = builtins.map(\.execute)
    self.name = name
    self.ops = ops
    self.sites = sites
    self.functions = functions
    self.entries = functions.map(\.entry)
    self.slotCounts = functions.map(\.slotCount)
    self.builtins = builtins
    self.cells = cells
    self.initialCells = initialCells
    self.scenarios = scenarios
    self.vmBuggedCell = vmBuggedCell
  }

  /// An equal program that shares no array buffer with this one (see
  /// `TransitionSystem.replica`).
  func replica() -> Program {
    func fresh<T>(_ array: [T]) -> [T] { array.map { $0 } }
    return Program(
      name: name, ops: fresh(ops), sites: fresh(sites), functions: fresh(functions),
      builtins: fresh(builtins), cells: fresh(cells), initialCells: fresh(initialCells),
      scenarios: fresh(scenarios), vmBuggedCell: vmBuggedCell, finalChecks: fresh(finalChecks),
      staticFootprints: staticFootprints.mapValues { $0 },
      regionFootprints: regionFootprints.mapValues { $0 }, checksPlainRaces: checksPlainRaces,
      constants: constants)
  }
}
