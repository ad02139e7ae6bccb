import Foundation

/// Where a command's report goes: standard output or `--output FILE`, with every write error
/// an error (exit 74), so that a full disk never passes for a report written.
enum ReportOutput {
  /// Writes `report` to `path`, or to standard output when `path` is `nil`.
  static func write(_ report: String, to path: String? = nil) throws {
    guard let path else {
      if let error = Terminal.standardOutput.write(report) {
        throw Failure.io("cannot write the report to standard output: \(error)").exit()
      }
      return
    }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw Failure.io("cannot write \(path): \(String(cString: strerror(errno)))").exit()
    }
    let written = Terminal(descriptor: descriptor).write(report)
    let closed = close(descriptor) == 0 ? nil : String(cString: strerror(errno))
    if let error = written ?? closed {
      throw Failure.io("cannot write \(path): \(error)").exit()
    }
  }
}
