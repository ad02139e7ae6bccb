import Explorer

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

  /// A leaf's argument bit that says its dirty bit is clear. `make_spte` builds dirty leaves,
  /// so a leaf's value is its pfn until dirty logging clears the bit.
  public static let cleanBit: Int64 = 1 << 48
  /// A frozen SPTE's argument bit that says a compare-and-exchange froze it (a claim its owner
  /// must release; see Machine.frozenOwnership). The owner is the rest of the argument.
  public static let claimBit: Int64 = 1 << 40

  /// The pfn of a leaf, without the clean bit.
  public var pfn: Int64 { argument & ~SPTE.cleanBit }

  public var description: String {
    switch kind {
    case .nonPresent: return "NP"
    case .frozen: return "FROZEN"
    case .leaf: return argument & SPTE.cleanBit != 0 ? "LEAF(\(pfn), clean)" : "LEAF(\(argument))"
    case .nonLeaf: return "NONLEAF(\(argument))"
    case .mmio: return "MMIO"
    }
  }
}
