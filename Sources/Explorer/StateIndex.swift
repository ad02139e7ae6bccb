/// The visited set: an open-addressing table from fingerprints to state numbers.
///
/// A slot is 4 bytes: the state number plus one (0: empty) in its low bits, and in the bits the
/// number does not need a *tag*, more bits of the fingerprint, so that a probe whose tag differs
/// is rejected without reading the key (the keys live elsewhere, a cache miss away). With tags,
/// probes are cheap enough to fill the table to 3/4 (linear probing), which keeps it at 5.3 to
/// 10.7 bytes a state. The keys live in arrays indexed by state number, 16 bytes a state when
/// exact and 8 under hash compaction, which keeps only the first 64 bits of each fingerprint. Two
/// distinct states then share a key with probability 2⁻⁶⁴ per pair, so among `n` states some
/// state is taken for another (and its successors possibly never explored) with probability at
/// most n²/2⁶⁵: about 3·10⁻⁸ for a million states. That is the price of hash compaction (Wolper
/// and Leroy, 1993): a little memory for a small chance of missing states, which the result
/// reports.
@usableFromInline struct StateIndex: Sendable {
  let compacted: Bool
  private var slots: [UInt32] = Array(repeating: 0, count: 1024)
  /// log2 of the table size: the low bits of a slot that hold the state number (plus one).
  private var shift = 10
  /// The fingerprints by state number when exact: both halves side by side, so that confirming
  /// a probe costs one cache miss, not one per half.
  private var keys = ChunkedArray<Fingerprint>()
  /// The first 64 bits of each fingerprint under hash compaction.
  private var compactKeys = ChunkedArray<UInt64>()

  init(compacted: Bool) { self.compacted = compacted }

  private var count: Int { compacted ? compactKeys.count : keys.count }

  private func high(_ id: Int32) -> UInt64 {
    compacted ? compactKeys[Int(id)] : keys[Int(id)].high
  }

  /// The slot a probe sequence starts at (the low bits of the hash) and the tag (its top bits,
  /// shifted into the bits above the state number), for a table of `1 << shift` slots.
  @inline(__always) private static func start(_ hash: UInt64, _ shift: Int) -> (Int, UInt32) {
    let home = Int(truncatingIfNeeded: hash) & ((1 << shift) - 1)
    let top = UInt32(truncatingIfNeeded: hash >> 32)
    let tag = shift >= 32 ? 0 : (top &>> UInt32(shift)) &<< UInt32(shift)
    return (home, tag)
  }

  /// The number of the state with this fingerprint, if stored.
  @usableFromInline func find(_ fingerprint: Fingerprint) -> Int32? {
    let mask = slots.count - 1
    let idMask = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(shift)) - 1)
    var (i, tag) = Self.start(fingerprint.high, shift)
    return slots.withUnsafeBufferPointer { slots in
      while true {
        let slot = slots[i]
        if slot == 0 { return nil }
        if slot & ~idMask == tag {
          let id = Int32(bitPattern: (slot & idMask) &- 1)
          if compacted {
            if compactKeys[Int(id)] == fingerprint.high { return id }
          } else if keys[Int(id)] == fingerprint {
            return id
          }
        }
        i = (i + 1) & mask
      }
    }
  }

  /// Frees the table; `find` and `insert` need `restoreSlots` first.
  mutating func releaseSlots() { slots = [] }

  /// Sets the table up again from the keys, if it was released.
  mutating func restoreSlots() {
    guard slots.isEmpty else { return }
    shift = 10
    while count * 4 > (1 << shift) * 3 { shift += 1 }
    slots = Array(repeating: 0, count: 1 << shift)
    for k in 0..<count { place(Int32(k), hash: high(Int32(k))) }
  }

  /// Stores `fingerprint` as state `id`, which must be the next number.
  mutating func insert(_ fingerprint: Fingerprint, id: Int32) {
    if compacted { compactKeys.append(fingerprint.high) } else { keys.append(fingerprint) }
    if count * 4 > slots.count * 3 {
      shift += 1
      slots = Array(repeating: 0, count: 1 << shift)
      for k in 0..<count { place(Int32(k), hash: high(Int32(k))) }
    } else {
      place(id, hash: fingerprint.high)
    }
  }

  private mutating func place(_ id: Int32, hash: UInt64) {
    let mask = slots.count - 1
    var (i, tag) = Self.start(hash, shift)
    while slots[i] != 0 { i = (i + 1) & mask }
    slots[i] = tag | UInt32(id + 1)
  }
}
