/// A 128-bit fingerprint of a state: what the visited set stores instead of the state itself.
///
/// Two independently salted 64-bit hashes of the state's `Hashable` encoding. Two distinct
/// states share a fingerprint with probability about 2⁻¹²⁸ per pair, so a visited set of
/// fingerprints behaves as an exact one for any run this tool can make, at 16 bytes a state.
@usableFromInline struct Fingerprint: Hashable, Sendable {
  @usableFromInline var high: UInt64
  @usableFromInline var low: UInt64

  /// Inlinable so that hashing the state is specialised for the client's state type.
  @inlinable init<State: Hashable>(_ state: State) {
    var first = Hasher()
    first.combine(0x5EC7_C0DE as UInt64)
    first.combine(state)
    var second = Hasher()
    second.combine(0xF2_05E5 as UInt64)
    second.combine(state)
    high = UInt64(bitPattern: Int64(first.finalize()))
    low = UInt64(bitPattern: Int64(second.finalize()))
  }

  @usableFromInline init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// A placeholder where no state was fingerprinted.
  @usableFromInline static let unset = Fingerprint(high: 0, low: 0)
}
