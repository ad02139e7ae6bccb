import Foundation

/// A standard stream with the terminal facts the reporters need.
struct Terminal: Sendable {
  let descriptor: Int32

  static let standardOutput = Terminal(descriptor: 1)
  static let standardError = Terminal(descriptor: 2)

  /// Whether the stream is a terminal (progress is then redrawn in place).
  var isTTY: Bool { isatty(descriptor) == 1 }

  /// Whether colour may be used: a terminal, `TERM` not `dumb`, and `NO_COLOR` unset.
  var allowsColor: Bool {
    let environment = ProcessInfo.processInfo.environment
    return isTTY && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
  }

  /// The terminal's width in columns, if the stream is a terminal that says.
  var columns: Int? {
    guard isTTY else { return nil }
    var size = winsize()
    guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// How wide a report's traces may be: `--width` when given, else `COLUMNS` when set, else the
  /// terminal's width; nil (no limit: a file or a pipe gets every line whole) otherwise.
  static func reportWidth(option: Int?, stream: Terminal?) -> Int? {
    if let option { return option }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
      return columns
    }
    return stream?.columns
  }

  /// Whether in-place redrawing is possible (a terminal that is not `dumb`).
  var allowsRedraw: Bool { isTTY && ProcessInfo.processInfo.environment["TERM"] != "dumb" }

  /// Writes all of `text`; returns why it could not (`strerror`), or `nil` when it did.
  @discardableResult func write(_ text: String) -> String? {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes {
        Foundation.write(descriptor, $0.baseAddress, $0.count)
      }
      if written < 0, errno == EINTR { continue }
      if written <= 0 { return written < 0 ? String(cString: strerror(errno)) : "nothing written" }
      offset += written
    }
    return nil
  }
}
