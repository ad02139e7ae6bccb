/// A short hash of a function's definition that ignores comments and layout, so that only a
/// change to the code itself changes it.
///
/// Whitespace is dropped except where it separates two words (`unsigned long`), so re-indenting
/// or re-wrapping a function keeps its fingerprint. The hash is FNV-1a over 64 bits, written as
/// 16 hex digits: it detects edits, it is not meant to resist a forger.
public struct FunctionFingerprint: Hashable, Sendable, CustomStringConvertible {
  public let value: UInt64

  public init(value: UInt64) { self.value = value }

  /// The fingerprint of definitions as `CSource.definitions` returns them (comments removed).
  public init(definitions: [String]) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for (index, text) in definitions.enumerated() {
      if index > 0 { Self.mix(&hash, UInt8(ascii: "\n")) }
      for byte in Self.normalised(text) { Self.mix(&hash, byte) }
    }
    value = hash
  }

  /// 16 lower-case hex digits.
  public var description: String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// Parses the 16 hex digits `description` writes.
  public init?(hex: String) {
    guard hex.utf8.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
    self.value = value
  }

  /// The text without layout: runs of whitespace removed, or one space where both neighbours
  /// are word characters.
  static func normalised(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var pendingSpace = false
    for byte in text.utf8 {
      if CSource.isSpace(byte) {
        pendingSpace = true
        continue
      }
      if pendingSpace, let last = out.last, CSource.isIdentifierByte(last),
        CSource.isIdentifierByte(byte)
      {
        out.append(0x20)
      }
      pendingSpace = false
      out.append(byte)
    }
    return out
  }

  private static func mix(_ hash: inout UInt64, _ byte: UInt8) {
    hash ^= UInt64(byte)
    hash = hash &* 0x0000_0100_0000_01b3
  }
}
