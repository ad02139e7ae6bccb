/// The locks held at an instruction, as two bit sets over the cells (at most 256, as LockSets
/// requires): which are held, and which of those exclusively. LockSets meets these at every
/// instruction of every thread of every scenario, so they are flat words, not dictionaries.
struct LockMask: Hashable, Sendable {
  private var held: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  private var exclusive: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

  static let empty = LockMask()

  /// Acquired exclusively (a spinlock, an rwlock for write).
  mutating func acquire(_ cell: Int) {
    Self.set(&held, cell)
    Self.set(&exclusive, cell)
  }

  /// Acquired shared (an rwlock for read): held, exclusively only if it already was.
  mutating func acquireShared(_ cell: Int) { Self.set(&held, cell) }

  mutating func release(_ cell: Int) {
    Self.clear(&held, cell)
    Self.clear(&exclusive, cell)
  }

  /// What both hold; exclusively where both hold it exclusively.
  func meet(_ other: LockMask) -> LockMask {
    var result = LockMask()
    result.held = Self.and(held, other.held)
    result.exclusive = Self.and(exclusive, other.exclusive)
    return result
  }

  /// What either holds; exclusively where either holds it exclusively (a callee's exit set
  /// added to what its caller keeps).
  func union(_ other: LockMask) -> LockMask {
    var result = LockMask()
    result.held = Self.or(held, other.held)
    result.exclusive = Self.or(exclusive, other.exclusive)
    return result
  }

  /// Whether accesses under `self` and `other` never overlap: both hold some lock, one of them
  /// exclusively.
  func excludes(_ other: LockMask) -> Bool {
    let common = Self.and(held, other.held)
    let either = Self.or(exclusive, other.exclusive)
    let both = Self.and(common, either)
    return both.0 | both.1 | both.2 | both.3 != 0
  }

  /// Each lock held, in cell order, and whether exclusively.
  var locks: [(cell: Int, exclusive: Bool)] {
    (0..<256).filter { Self.test(held, $0) }.map { ($0, Self.test(exclusive, $0)) }
  }

  static func == (a: LockMask, b: LockMask) -> Bool {
    a.held == b.held && a.exclusive == b.exclusive
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(held.0)
    hasher.combine(held.1)
    hasher.combine(held.2)
    hasher.combine(held.3)
    hasher.combine(exclusive.0)
    hasher.combine(exclusive.1)
    hasher.combine(exclusive.2)
    hasher.combine(exclusive.3)
  }

  private typealias Words = (UInt64, UInt64, UInt64, UInt64)

  private static func set(_ w: inout Words, _ cell: Int) {
    let bit: UInt64 = 1 << UInt64(cell & 63)
    switch cell >> 6 {
    case 0: w.0 |= bit
    case 1: w.1 |= bit
    case 2: w.2 |= bit
    default: w.3 |= bit
    }
  }

  private static func test(_ w: Words, _ cell: Int) -> Bool {
    let word = [w.0, w.1, w.2, w.3][cell >> 6]
    return word & 1 << UInt64(cell & 63) != 0
  }

  private static func clear(_ w: inout Words, _ cell: Int) {
    let bit: UInt64 = ~(1 << UInt64(cell & 63))
    switch cell >> 6 {
    case 0: w.0 &= bit
    case 1: w.1 &= bit
    case 2: w.2 &= bit
    default: w.3 &= bit
    }
  }

  private static func and(_ a: Words, _ b: Words) -> Words {
    (a.0 & b.0, a.1 & b.1, a.2 & b.2, a.3 & b.3)
  }

  private static func or(_ a: Words, _ b: Words) -> Words {
    (a.0 | b.0, a.1 | b.1, a.2 | b.2, a.3 | b.3)
  }
}
