/// Every thread's state in one array: a header of words per thread, then the threads' slots back
/// to back, in thread order.
///
/// The search copies a state at every step. With an array of slots per thread, a copy retained
/// every thread's array, and a step copied the array of threads (retaining each thread's slots
/// again) and then the stepping thread's slots. Here a copy is one retain, and a step one copy of
/// the array, with room for the frames it may push (`take`); a push or pop moves the later
/// threads' slots, a few hundred bytes.
///
/// The header keeps each thread's two hash lanes, so hashing a state costs two words per thread.
/// The slots' part is a Zobrist sum (as in `SharedCells`, over the thread's own slot indices),
/// which `put` updates from the slots that differ from the thread before the step: a pass that
/// compares words and mixes only the few a step wrote (updating the sums on every slot write
/// instead costs more: a step runs many local writes). The lanes are a function of the thread,
/// so equality, which compares the words, meets them first and stays exact.
struct ThreadTable: Hashable, Sendable, RandomAccessCollection {
  /// The headers (`headerSize` words each, by `Field`), then the slots.
  private(set) var words: [Value]
  let threadCount: Int

  /// The words of a thread's header, in order. `position` and `shape` are the words the lanes
  /// mix first.
  private enum Field: Int {
    /// pc | base << 32.
    case position
    /// fault | slot count << 8 | depth << 40.
    case shape
    case faultDetail
    /// Where the thread's slots start in `words`.
    case offset
    case laneA, laneB
    /// The sums of every slot's contribution, one per lane.
    case slotsA, slotsB
  }
  private static let headerSize = 8
  /// The room a step's copy leaves for the frames it pushes, in values.
  private static let headroom = 64

  init(_ threads: [ThreadState]) {
    threadCount = threads.count
    var words = [Value](repeating: .zero, count: threads.count * Self.headerSize)
    for ts in threads { words.append(contentsOf: ts.slots) }
    self.words = words
    var offset = threads.count * Self.headerSize
    for (t, ts) in threads.enumerated() {
      var sums: (UInt64, UInt64) = (0, 0)
      for i in 0..<ts.slotCount { Self.add(i, ts[i], sign: 1, &sums) }
      writeHeader(t, ts, offset: offset, sums: sums)
      offset += ts.slotCount
    }
  }

  var startIndex: Int { 0 }
  var endIndex: Int { threadCount }

  /// Thread `t`, sharing this table's storage.
  subscript(_ t: Int) -> ThreadState {
    let shape = word(t, .shape)
    let position = word(t, .position)
    return ThreadState(
      pc: Int32(truncatingIfNeeded: position), base: Int32(truncatingIfNeeded: position >> 32),
      fault: Fault(rawValue: UInt8(truncatingIfNeeded: shape)) ?? .none,
      depth: Int32(truncatingIfNeeded: shape >> 40),
      faultDetail: Int64(bitPattern: word(t, .faultDetail)), storage: words,
      offset: Int(word(t, .offset)), slotCount: Int(UInt32(truncatingIfNeeded: shape >> 8)))
  }

  /// Thread `t`'s two hash lanes.
  @inline(__always)
  func lanes(_ t: Int) -> (UInt64, UInt64) { (word(t, .laneA), word(t, .laneB)) }

  /// Thread `t` for a step, holding this table's storage, which is copied once here with room
  /// to grow (the caller keeps the table before the step, for `put`); the table is empty until
  /// `put`.
  mutating func take(_ t: Int) -> ThreadState {
    var ts = self[t]
    words = []
    ts.reserveStorage(Self.headroom)
    return ts
  }

  /// Puts back the thread `take` handed out, after its step: writes its header, updates its
  /// lanes from the slots that differ from `before`, and moves the later threads' offsets by
  /// the slots it gained or lost.
  mutating func put(_ ts: inout ThreadState, _ t: Int, before: ThreadTable) {
    words = ts.takeStorage()
    let offset = Int(before.word(t, .offset))
    let oldCount = Int(UInt32(truncatingIfNeeded: before.word(t, .shape) >> 8))
    let newCount = ts.slotCount
    var sums = (before.word(t, .slotsA), before.word(t, .slotsB))
    before.words.withUnsafeBufferPointer { old in
      words.withUnsafeBufferPointer { new in
        let common = Swift.min(oldCount, newCount)
        let start = Swift.min(Int(ts.dirtyFrom), common)
        for i in start..<common where old[offset + i] != new[offset + i] {
          Self.add(i, old[offset + i], sign: 0, &sums)
          Self.add(i, new[offset + i], sign: 1, &sums)
        }
        for i in common..<oldCount { Self.add(i, old[offset + i], sign: 0, &sums) }
        for i in common..<newCount { Self.add(i, new[offset + i], sign: 1, &sums) }
      }
    }
    writeHeader(t, ts, offset: offset, sums: sums)
    if newCount != oldCount {
      for u in (t + 1)..<threadCount {
        set(u, .offset, UInt64(Int(word(u, .offset)) + newCount - oldCount))
      }
    }
  }

  // MARK: Header words

  @inline(__always)
  private func word(_ t: Int, _ field: Field) -> UInt64 {
    UInt64(bitPattern: words[t * Self.headerSize + field.rawValue].bits)
  }

  @inline(__always)
  private mutating func set(_ t: Int, _ field: Field, _ value: UInt64) {
    words[t * Self.headerSize + field.rawValue] = .int(Int64(bitPattern: value))
  }

  /// Writes thread `t`'s header from `ts`, its slots at `offset` with the sums `sums`: the
  /// header words, then the slots' sums, into the lanes.
  private mutating func writeHeader(
    _ t: Int, _ ts: ThreadState, offset: Int, sums: (UInt64, UInt64)
  ) {
    let position = UInt64(UInt32(bitPattern: ts.pc)) | UInt64(UInt32(bitPattern: ts.base)) << 32
    let shape =
      UInt64(ts.fault.rawValue) | UInt64(ts.slotCount) << 8
      | UInt64(UInt32(bitPattern: ts.depth)) << 40
    let detail = UInt64(bitPattern: ts.faultDetail)
    var lanes = ScenarioSystem.StateMixer()
    lanes.mix(position)
    lanes.mix(shape)
    lanes.mix(detail)
    lanes.mix(sums.0, sums.1)
    set(t, .position, position)
    set(t, .shape, shape)
    set(t, .faultDetail, detail)
    set(t, .offset, UInt64(offset))
    set(t, .laneA, lanes.first)
    set(t, .laneB, lanes.second)
    set(t, .slotsA, sums.0)
    set(t, .slotsB, sums.1)
  }

  /// Adds (`sign` 1) or removes (`sign` 0) what slot `i` holding `value` contributes; a zero
  /// contributes nothing, so a new frame of zeros costs nothing.
  @inline(__always)
  private static func add(_ i: Int, _ value: Value, sign: Int, _ sums: inout (UInt64, UInt64)) {
    if value.bits == 0, value.tag == .int { return }
    let (a, b) = SharedCells.contribution(i, value)
    if sign == 1 {
      sums.0 &+= a
      sums.1 &+= b
    } else {
      sums.0 &-= a
      sums.1 &-= b
    }
  }

  static func == (lhs: ThreadTable, rhs: ThreadTable) -> Bool { lhs.words == rhs.words }

  func hash(into hasher: inout Hasher) {
    for t in 0..<threadCount {
      let (a, b) = lanes(t)
      hasher.combine(a)
      hasher.combine(b)
    }
  }
}
