/// How a visible step touches one shared object.
///
/// The engine only needs to know whether two accesses commute: `read`, `sharedAcquire` and
/// `sharedRelease` commute with each other; every other pair on the same object conflicts.
/// The finer kinds exist so models and traces can say what a step does.
public enum AccessMode: UInt8, Sendable, Hashable, Codable, CaseIterable {
  /// A load.
  case read
  /// A store.
  case write
  /// An atomic read-modify-write (`xchg`, or `try_cmpxchg64` whether or not it will succeed: a
  /// footprint may not depend on values other threads can change).
  case readModifyWrite
  /// Taking a lock exclusively (a spinlock, or an rwlock for write).
  case acquire
  /// Releasing an exclusively held lock.
  case release
  /// Taking an rwlock for read: commutes with other readers.
  case sharedAcquire
  /// Releasing an rwlock held for read: commutes with other readers.
  case sharedRelease

  /// Whether this access conflicts with every other access to the same object.
  @inlinable public var isExclusive: Bool {
    switch self {
    case .read, .sharedAcquire, .sharedRelease: return false
    case .write, .readModifyWrite, .acquire, .release: return true
    }
  }
}

/// The shared objects a visible step touches, as a pair of 256-bit sets.
///
/// Object identifiers are small integers chosen by the model. Identifiers at or above 256 are
/// folded onto the set (`id % 256`): folding can only add conflicts, never hide one, so the
/// reduction stays sound and merely explores more. A footprint is a fixed-size value, so
/// computing one on the hot path allocates nothing.
public struct Footprint: Hashable, Sendable {
  /// Objects accessed in a commuting (read-like) mode.
  public internal(set) var shared: SIMD4<UInt64>
  /// Objects accessed in a conflicting (write-like) mode.
  public internal(set) var exclusive: SIMD4<UInt64>
  /// Whether the step can be blocked by other threads' steps (a lock acquisition, an `await`).
  /// Only such steps can be disabled by the step they race with; the engine checks those races
  /// for reversibility before it reverses them.
  public internal(set) var canBlock: Bool

  /// The footprint of a step that touches nothing shared (for example a local `choose`).
  public static let empty = Footprint()

  public init() {
    shared = .zero
    exclusive = .zero
    canBlock = false
  }

  /// A footprint of one access (no array to allocate).
  public init(object: Int, mode: AccessMode) {
    self.init()
    insert(object: object, mode: mode)
  }

  /// A footprint holding the given accesses.
  public init(_ accesses: [(object: Int, mode: AccessMode)]) {
    self.init()
    for access in accesses { insert(object: access.object, mode: access.mode) }
  }

  /// Adds one access to the footprint.
  public mutating func insert(object: Int, mode: AccessMode) {
    let bit = object & 255
    let word = bit >> 6
    let mask = UInt64(1) << UInt64(bit & 63)
    if mode == .acquire || mode == .sharedAcquire { canBlock = true }
    if mode.isExclusive {
      exclusive[word] |= mask
    } else {
      shared[word] |= mask
    }
  }

  /// Marks the step as one that waits for a condition on the objects it reads (an `await`).
  public mutating func markBlocking() { canBlock = true }

  /// Adds every access of `other`.
  public mutating func formUnion(_ other: Footprint) {
    shared |= other.shared
    exclusive |= other.exclusive
    canBlock = canBlock || other.canBlock
  }

  /// Whether the step touches no shared object.
  @inlinable public var isEmpty: Bool {
    let all = shared | exclusive
    return all[0] | all[1] | all[2] | all[3] == 0
  }

  /// Whether two steps with these footprints do not commute: they touch a common object and at
  /// least one of them accesses it exclusively. This is the engine's whole dependence relation
  /// between steps of different threads.
  @inlinable @inline(__always) public func conflicts(with other: Footprint) -> Bool {
    // Word by word and always inlined: the generic SIMD operators were not specialised, and the
    // call was among the engine's hottest.
    var hit: UInt64 = 0
    for k in 0..<4 {
      hit |= (exclusive[k] & (other.exclusive[k] | other.shared[k])) | (other.exclusive[k] & shared[k])
    }
    return hit != 0
  }

  /// The objects in the footprint with the mode class each is accessed in, in ascending order.
  public var objects: [(object: Int, exclusive: Bool)] {
    var result: [(object: Int, exclusive: Bool)] = []
    for bit in 0..<256 {
      let word = bit >> 6
      let mask = UInt64(1) << UInt64(bit & 63)
      if exclusive[word] & mask != 0 {
        result.append((bit, true))
      } else if shared[word] & mask != 0 {
        result.append((bit, false))
      }
    }
    return result
  }
}
