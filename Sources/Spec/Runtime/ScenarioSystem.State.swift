import Explorer

extension ScenarioSystem {
  /// The shared cells and every thread's private state: flat arrays of small values.
  public struct State: Hashable, Sendable {
    /// The shared cells, indexed by object id.
    public internal(set) var cells: SharedCells
    var threads: [HashedThread]
    /// Happens-before among the accesses the plain-race check tracks (empty when it tracks
    /// none; see PlainRaces).
    var happensBefore: PlainRaces.State = .empty

    /// The cells' two hash lanes (kept up to date on writes, see SharedCells), each thread's
    /// (computed once per step of that thread) and the plain-race check's words, then two words
    /// into the hasher: the synthesized hash fed each field to SipHash separately, a tenth of a
    /// DPOR step on the model. Two lanes keep the stateful search's fingerprints 128 bits wide.
    /// Equality stays field by field.
    public func hash(into hasher: inout Hasher) {
      var lanes = StateMixer(first: cells.laneA, second: cells.laneB)
      for thread in threads { lanes.mix(thread.laneA, thread.laneB) }
      lanes.mix(happensBefore.sizes)
      for word in happensBefore.words { lanes.mix(word) }
      hasher.combine(lanes.first)
      hasher.combine(lanes.second)
    }
  }

  /// A thread's state and the two hash lanes of its words.
  ///
  /// A step changes one thread, so the state's hash recomputes only that thread's lanes
  /// (`rehash`), not every thread's slots and frames. The slots' part is a Zobrist sum (as in
  /// `SharedCells`), which `rehash(from:)` updates from the slots that differ from the thread
  /// before the step: a pass that compares words and mixes only the few a step wrote. (Updating
  /// the sums on every slot write instead costs more: a step runs many local writes.) The lanes
  /// are a function of `thread`, so equality may compare them first, for a fast answer, and
  /// stays exact.
  struct HashedThread: Hashable, Sendable {
    private(set) var laneA: UInt64 = 0
    private(set) var laneB: UInt64 = 0
    /// The sums of every slot's contribution, one per lane.
    private var slotsA: UInt64 = 0
    private var slotsB: UInt64 = 0
    var thread: ThreadState

    init(_ thread: ThreadState) {
      self.thread = thread
      self.thread.markClean()
      thread.slots.withUnsafeBufferPointer { slots in
        for i in slots.indices { add(i, slots[i], sign: 1) }
      }
      mixHeader()
    }

    /// Updates the lanes after `thread` changed from `before`.
    mutating func rehash(from before: ThreadState) {
      let old = before.slots
      let new = thread.slots
      old.withUnsafeBufferPointer { old in
        new.withUnsafeBufferPointer { new in
          // Shared storage: the step wrote no slot.
          if old.baseAddress == new.baseAddress && old.count == new.count { return }
          let common = min(old.count, new.count)
          let start = min(Int(thread.dirtyFrom), common)
          for i in start..<common where old[i] != new[i] {
            add(i, old[i], sign: 0)
            add(i, new[i], sign: 1)
          }
          for i in common..<old.count { add(i, old[i], sign: 0) }
          for i in common..<new.count { add(i, new[i], sign: 1) }
        }
      }
      thread.markClean()
      mixHeader()
    }

    /// Adds (`sign` 1) or removes (`sign` 0) what slot `i` holding `value` contributes; a zero
    /// contributes nothing, so a new frame of zeros costs nothing.
    @inline(__always)
    private mutating func add(_ i: Int, _ value: Value, sign: Int) {
      if value.bits == 0, value.tag == .int { return }
      let (a, b) = SharedCells.contribution(i, value)
      if sign == 1 {
        slotsA &+= a
        slotsB &+= b
      } else {
        slotsA &-= a
        slotsB &-= b
      }
    }

    /// The header words, then the slots' sums.
    private mutating func mixHeader() {
      var lanes = StateMixer()
      lanes.mix(
        UInt64(UInt32(bitPattern: thread.pc)) | UInt64(UInt32(bitPattern: thread.base)) << 32)
      lanes.mix(
        UInt64(thread.fault.rawValue) | UInt64(thread.slots.count) << 8
          | UInt64(UInt32(bitPattern: thread.depth)) << 40)
      lanes.mix(UInt64(bitPattern: thread.faultDetail))
      lanes.mix(slotsA, slotsB)
      laneA = lanes.first
      laneB = lanes.second
    }

    static func == (lhs: HashedThread, rhs: HashedThread) -> Bool {
      lhs.laneA == rhs.laneA && lhs.laneB == rhs.laneB && lhs.thread == rhs.thread
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(laneA)
      hasher.combine(laneB)
    }
  }

  /// Two 64-bit hash lanes over a stream of words, with different constants.
  struct StateMixer {
    var first: UInt64 = 0x243F_6A88_85A3_08D3
    var second: UInt64 = 0x1319_8A2E_0370_7344

    @inline(__always) mutating func mix(_ word: UInt64) {
      first = (first ^ word) &* 0x9E37_79B9_7F4A_7C15
      first ^= first >> 31
      second = (second ^ word) &* 0xC2B2_AE3D_27D4_EB4F
      second ^= second >> 29
    }

    /// A different word into each lane.
    @inline(__always) mutating func mix(_ a: UInt64, _ b: UInt64) {
      first = (first ^ a) &* 0x9E37_79B9_7F4A_7C15
      first ^= first >> 31
      second = (second ^ b) &* 0xC2B2_AE3D_27D4_EB4F
      second ^= second >> 29
    }

    @inline(__always) mutating func mix(_ value: Value) {
      mix(UInt64(value.tag.rawValue))
      mix(UInt64(bitPattern: value.bits))
    }
  }
}
