extension String {
  /// The text with every control character (C0, DEL, C1) and every bidirectional override
  /// written as an escape such as `\x1b`, so that what a spec or a report file holds cannot
  /// drive the terminal (an OSC title, a cursor move, a Trojan Source reordering). With
  /// `keepingNewlines`, line breaks stay, for multi-line messages.
  func escapingControlCharacters(keepingNewlines: Bool = false) -> String {
    guard unicodeScalars.contains(where: { Self.needsEscape($0, keepingNewlines) }) else {
      return self
    }
    var out = ""
    out.unicodeScalars.reserveCapacity(unicodeScalars.count)
    for scalar in unicodeScalars {
      guard Self.needsEscape(scalar, keepingNewlines) else {
        out.unicodeScalars.append(scalar)
        continue
      }
      let hex = String(scalar.value, radix: 16)
      out += scalar.value < 0x100
        ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
    }
    return out
  }

  private static func needsEscape(_ scalar: Unicode.Scalar, _ keepingNewlines: Bool) -> Bool {
    switch scalar.value {
    case 0x0A: return !keepingNewlines
    case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
  }
}
