/// The shared cells of a state, indexed by object id, with their hash kept up to date on writes.
///
/// A state is hashed after every step (the distinct-state count, the stateful search's
/// fingerprints), and a step writes one or two cells of a hundred or more. So each cell adds
/// `contribution(index, value)` to two 64-bit lanes with wrapping addition (Zobrist hashing):
/// a write subtracts the old contribution and adds the new one, and hashing the cells costs two
/// words instead of a pass over them. The two lanes use independent mixes, so together they
/// keep the stateful search's fingerprints 128 bits wide. Equality compares the values exactly.
public struct SharedCells: Hashable, Sendable, RandomAccessCollection {
  /// The values, by object id.
  public private(set) var values: [Value]
  /// The sums of every cell's contributions, one per lane.
  private(set) var laneA: UInt64 = 0
  private(set) var laneB: UInt64 = 0

  public init(_ values: [Value]) {
    self.values = values
    for (i, v) in values.enumerated() {
      let (a, b) = Self.contribution(i, v)
      laneA &+= a
      laneB &+= b
    }
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { values.count }

  public subscript(_ i: Int) -> Value {
    @inline(__always) get { values[i] }
    @inline(__always) set {
      let (oldA, oldB) = Self.contribution(i, values[i])
      let (newA, newB) = Self.contribution(i, newValue)
      laneA = laneA &- oldA &+ newA
      laneB = laneB &- oldB &+ newB
      values[i] = newValue
    }
  }

  public static func == (lhs: SharedCells, rhs: SharedCells) -> Bool {
    lhs.laneA == rhs.laneA && lhs.laneB == rhs.laneB && lhs.values == rhs.values
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(laneA)
    hasher.combine(laneB)
  }

  /// What cell `index` holding `value` adds to each lane: the value's bits, offset by a mix of
  /// the index and tag, through a 64-bit finalizer; the second lane rotates the bits and uses
  /// other constants, so a collision in one lane says nothing about the other.
  @inline(__always)
  static func contribution(_ index: Int, _ value: Value) -> (UInt64, UInt64) {
    let key = UInt64(truncatingIfNeeded: index) << 8 | UInt64(value.tag.rawValue)
    let bits = UInt64(bitPattern: value.bits)
    let a = murmur(bits ^ murmur(key ^ 0x243F_6A88_85A3_08D3))
    let b = moremur(
      (bits << 29 | bits >> 35) ^ moremur(key &+ 0x1319_8A2E_0370_7344) ^ 0xA409_3822_299F_31D0)
    return (a, b)
  }

  /// MurmurHash3's 64-bit finalizer.
  @inline(__always) static func murmur(_ x: UInt64) -> UInt64 {
    var x = x
    x ^= x >> 33
    x &*= 0xFF51_AFD7_ED55_8CCD
    x ^= x >> 33
    x &*= 0xC4CE_B9FE_1A85_EC53
    x ^= x >> 33
    return x
  }

  /// Pelle Evensen's moremur, a finalizer with other shifts and multipliers.
  @inline(__always) static func moremur(_ x: UInt64) -> UInt64 {
    var x = x
    x ^= x >> 27
    x &*= 0x3C79_AC49_2BA7_B653
    x ^= x >> 33
    x &*= 0x1C69_B3F7_4AC4_AE35
    x ^= x >> 27
    return x
  }
}
