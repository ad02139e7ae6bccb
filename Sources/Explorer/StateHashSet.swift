/// The hashes of the states an exploration has seen, for the distinct-state count.
///
/// `Set<Int>` would hash every hash again (SipHash) and grow from nothing in every run; the
/// values here are already well-mixed hashes, so they index an open-addressing table directly
/// (linear probing, at most half full). Hash 0 marks an empty slot and is stored as 1, which
/// merges two of 2⁶⁴ hashes: the count is "distinct states by 64-bit hash" either way.
@usableFromInline struct StateHashSet: Sendable {
  @usableFromInline var slots: [UInt64]
  @usableFromInline var count = 0

  @usableFromInline init(capacity: Int = 1 << 10) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [UInt64](repeating: 0, count: size)
  }

  /// Adds `hash`; returns whether it was new.
  @inlinable @discardableResult mutating func insert(_ hash: Int) -> Bool {
    let key = hash == 0 ? 1 : UInt64(bitPattern: Int64(hash))
    if (count + 1) * 2 > slots.count { grow() }
    let mask = slots.count - 1
    var i = Int(truncatingIfNeeded: key) & mask
    while true {
      let slot = slots[i]
      if slot == key { return false }
      if slot == 0 {
        slots[i] = key
        count += 1
        return true
      }
      i = (i + 1) & mask
    }
  }

  /// Adds every hash of `other`.
  @usableFromInline mutating func formUnion(_ other: StateHashSet) {
    for key in other.slots where key != 0 { insert(Int(Int64(bitPattern: key))) }
  }

  @usableFromInline mutating func grow() {
    let old = slots
    slots = [UInt64](repeating: 0, count: old.count * 2)
    count = 0
    for key in old where key != 0 { insert(Int(Int64(bitPattern: key))) }
  }

  var isEmpty: Bool { count == 0 }
}
