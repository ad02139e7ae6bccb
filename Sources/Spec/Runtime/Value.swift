import Explorer

/// A value of the language: a small tagged integer, cheap to copy and hash.
///
/// The tag says how to read `bits`: an integer, a boolean, a pointer to a shared cell (`bits` is
/// the cell's object id), an SPTE value (`bits` packs its kind and argument, see `SPTE`), an
/// opaque handle a domain builtin hands out (a slot or a table), or the mark `kfree_rcu` and
/// `kfree` leave in the cell that stands for a freed object (`bits`: the threads whose read-side
/// critical sections, begun before the free, have not ended yet).
public struct Value: Hashable, Sendable, CustomStringConvertible {
  public enum Tag: UInt8, Sendable {
    case int, bool, pointer, spte, handle, freed
  }

  public var tag: Tag
  public var bits: Int64

  @inlinable public init(tag: Tag, bits: Int64) {
    self.tag = tag
    self.bits = bits
  }

  public static let zero = Value(tag: .int, bits: 0)
  @inlinable public static func int(_ v: Int64) -> Value { Value(tag: .int, bits: v) }
  @inlinable public static func int(_ v: Int) -> Value { Value(tag: .int, bits: Int64(v)) }
  @inlinable public static func bool(_ v: Bool) -> Value { Value(tag: .bool, bits: v ? 1 : 0) }
  @inlinable public static func pointer(_ cell: Int) -> Value {
    Value(tag: .pointer, bits: Int64(cell))
  }

  /// C truthiness: any non-zero payload.
  @inlinable public var isTrue: Bool { bits != 0 }

  /// Equality as `==` in the language sees it: integers, booleans and SPTE values are all
  /// 64-bit numbers in the kernel and compare by their bits; pointers and handles compare by
  /// tag too.
  @inlinable public func equals(_ other: Value) -> Bool {
    if tag == other.tag { return comparableBits == other.comparableBits }
    return isNumber && other.isNumber && comparableBits == other.comparableBits
  }

  /// The bits `==` compares: a frozen SPTE carries the thread that froze it (see
  /// Machine.frozenOwnership), which is bookkeeping, not part of the value.
  @inlinable var comparableBits: Int64 {
    tag == .spte && SPTE(self).kind == .frozen ? SPTE(kind: .frozen).value.bits : bits
  }

  @inlinable var isNumber: Bool { tag == .int || tag == .bool || tag == .spte }

  /// One word per value: states are hashed at every step, so this is on the hot path.
  @inlinable public func hash(into hasher: inout Hasher) {
    hasher.combine(UInt64(bitPattern: bits) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(tag.rawValue))
  }

  public var description: String {
    switch tag {
    case .int: return "\(bits)"
    case .bool: return bits != 0 ? "true" : "false"
    case .pointer: return "&cell\(bits)"
    case .spte: return SPTE(self).description
    case .handle: return "handle\(bits)"
    case .freed:
      return bits == 0
        ? "freed" : "freed after a grace period (readers 0x\(String(bits, radix: 16)))"
    }
  }
}

/// The kinds of SPTE value the model distinguishes, packed into a `Value` with tag `.spte`.
///
/// The kind sits in bits 56..<60 and the argument in the low 56 bits, so the non-present value
/// is 0 (a zero-initialised `u64` slot is non-present) and no other kind equals a small integer.
/// The domain model (a later issue) builds on these; the language only needs the constants
/// `SHADOW_NONPRESENT_VALUE` and `FROZEN_SPTE` and equality.
public struct SPTE: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Int64, Sendable {
    case nonPresent = 0
    case frozen, leaf, nonLeaf, mmio
  }
  public var kind: Kind
  /// The pfn of a leaf, or the table of a non-leaf; 0 otherwise.
  public var argument: Int64

  public init(kind: Kind, argument: Int64 = 0) {
    self.kind = kind
    self.argument = argument
  }

  public init(_ value: Value) {
    kind = Kind(rawValue: (value.bits >> 56) & 0xF) ?? .nonPresent
    argument = value.bits & 0x00FF_FFFF_FFFF_FFFF
  }

  public var value: Value {
    Value(tag: .spte, bits: kind.rawValue << 56 | (argument & 0x00FF_FFFF_FFFF_FFFF))
  }

  public var description: String {
    switch kind {
    case .nonPresent: return "NP"
    case .frozen: return "FROZEN"
    case .leaf: return "LEAF(\(argument))"
    case .nonLeaf: return "NONLEAF(\(argument))"
    case .mmio: return "MMIO"
    }
  }
}

/// A type of the language. Types are names so that domain builtins can add their own.
public struct SpecType: Hashable, Sendable, CustomStringConvertible {
  public var name: String
  public init(_ name: String) { self.name = name }

  public static let int = SpecType("int")
  public static let bool = SpecType("bool")
  public static let void = SpecType("void")
  /// A pointer to a shared cell (`u64 *sptep`, `&x`, `&a[i]`).
  public static let pointer = SpecType("pointer")
  public static let rwlock = SpecType("rwlock_t")
  public static let spinlock = SpecType("spinlock_t")
  public static let spte = SpecType("spte")
  /// An untyped parameter: checked when used, not when passed.
  public static let any = SpecType("any")

  public var description: String { name }

  var isNumeric: Bool { self == .int || self == .bool || self == .any }

  /// Whether a value of type `self` may be used where `target` is expected.
  func isAssignable(to target: SpecType) -> Bool {
    if self == target || self == .any || target == .any { return true }
    if self.isNumeric && target.isNumeric { return true }
    // SPTE values are u64 in the kernel: allow them where integers go and back.
    if (self == .spte && target == .int) || (self == .int && target == .spte) { return true }
    return false
  }
}
