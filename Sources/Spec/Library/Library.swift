import Explorer

/// A shared cell every program has, declared by the library (for example `kvm_vm_bugged`).
public struct ImplicitCell: Sendable {
  public var name: String
  public var type: SpecType
  public var initial: Value
  /// Whether specs may name it.
  public var isVisible: Bool
  public init(name: String, type: SpecType, initial: Value, isVisible: Bool) {
    self.name = name
    self.type = type
    self.initial = initial
    self.isVisible = isVisible
  }
}

/// What a domain check at the end of an execution sees.
public struct FinalCheckContext: Sendable {
  /// The shared cells, by object id.
  public var cells: [Value]
  /// Each cell's name as traces print it (`x`, `spte[2]`).
  public var cellNames: [String]
  /// Whether each thread returned (false if it is blocked or was stopped by a violation).
  public var finished: [Bool]
  public var threadNames: [String]
}

/// Everything the language knows without a spec: types, constants, builtins and implicit cells.
///
/// The domain issue extends `Library.standard` with EPT/TDX builtins and constants.
public struct Library: Sendable {
  /// Type words as written in source, and what they mean. A `*` after an integer type makes a
  /// pointer; after a lock type it is the lock itself.
  public var typeNames: [String: SpecType]
  public var constants: [String: (type: SpecType, value: Value)]
  public var builtins: [String: Builtin]
  /// Cells placed at object ids `0..<implicitCells.count` of every program.
  public var implicitCells: [ImplicitCell]
  /// Violation kinds an `expect violation` may name.
  public var violationKinds: [String]
  /// Domain checks of the final state of every execution (for example `frozen-leftover`).
  /// They see only the final state, which does not depend on the interleaving.
  public var finalChecks: [@Sendable (FinalCheckContext) -> Violation?] = []
  /// Whether plain accesses that race are a `race` violation (see PlainRaces). The KVM model
  /// turns it on, as the kernel's memory model requires; the generic language leaves it off, so
  /// that the classic racy programs of the DPOR literature keep their meaning.
  public var checksPlainRaces = false

  public init(
    typeNames: [String: SpecType], constants: [String: (type: SpecType, value: Value)],
    builtins: [String: Builtin], implicitCells: [ImplicitCell], violationKinds: [String]
  ) {
    self.typeNames = typeNames
    self.constants = constants
    self.builtins = builtins
    self.implicitCells = implicitCells
    self.violationKinds = violationKinds
  }

  public mutating func add(_ builtin: Builtin) { builtins[builtin.name] = builtin }

  /// The object id of an implicit cell.
  public func implicitCell(named name: String) -> Int? {
    implicitCells.firstIndex { $0.name == name }
  }
}
