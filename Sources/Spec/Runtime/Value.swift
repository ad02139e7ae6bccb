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
