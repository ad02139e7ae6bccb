import Explorer

extension ScenarioSystem {
  /// The shared cells and every thread's private state: two flat arrays of small values (and
  /// the plain-race check's words).
  public struct State: Hashable, Sendable {
    /// The shared cells, indexed by object id.
    public internal(set) var cells: SharedCells
    /// Every thread's state, in one array (see ThreadTable).
    var threads: ThreadTable
    /// Happens-before among the accesses the plain-race check tracks (empty when it tracks
    /// none; see PlainRaces).
    var happensBefore: PlainRaces.State = .empty

    /// The cells' two hash lanes (kept up to date on writes, see SharedCells), each thread's
    /// (kept in its header, see ThreadTable) and the plain-race check's words, then two words
    /// into the hasher: the synthesized hash fed each field to SipHash separately, a tenth of a
    /// DPOR step on the model. Two lanes keep the stateful search's fingerprints 128 bits wide.
    /// Equality stays field by field.
    public func hash(into hasher: inout Hasher) {
      var lanes = StateMixer(first: cells.laneA, second: cells.laneB)
      for t in 0..<threads.threadCount {
        let (a, b) = threads.lanes(t)
        lanes.mix(a, b)
      }
      lanes.mix(happensBefore.sizes)
      for word in happensBefore.words { lanes.mix(word) }
      hasher.combine(lanes.first)
      hasher.combine(lanes.second)
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
