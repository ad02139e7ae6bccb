import Foundation
import Explorer

/// Progress on stderr for runs longer than a second: the executions and step rate of the
/// scenarios running now and the run's elapsed time, redrawn in place on a terminal and printed
/// as plain lines (at most every five seconds) otherwise.
final class ProgressDisplay: @unchecked Sendable {
  private let terminal: Terminal
  private let lock = NSLock()
  private let start = Date()
  private var latest: [String: ExplorationProgress] = [:]
  // So that the first plain line comes at one second, the next ones every five.
  private var lastPlainLine = -4.0
  private var drawn = false

  init(terminal: Terminal) { self.terminal = terminal }

  func update(scenario: String, _ progress: ExplorationProgress) {
    lock.withLock {
      latest[scenario] = progress
      let elapsed = Date().timeIntervalSince(start)
      guard elapsed >= 1 else { return }
      let executions = latest.values.reduce(0) { $0 + $1.executions }
      // Each running scenario's steps over its own time: the run's time would count the
      // scenarios already finished, whose steps are no longer here.
      let rate = latest.values.reduce(0.0) {
        $0 + ($1.elapsed > 0 ? Double($1.transitions) / $1.elapsed : 0)
      }
      let line = String(
        format: "%@: %d executions, %.0f steps/s, %.1fs", scenario, executions, rate, elapsed)
      if terminal.allowsRedraw {
        terminal.write("\r\u{1B}[K" + line)
        drawn = true
      } else if elapsed - lastPlainLine >= 5 {
        lastPlainLine = elapsed
        terminal.write(line + "\n")
      }
    }
  }

  func finished(scenario: String) {
    lock.withLock { _ = latest.removeValue(forKey: scenario) }
  }

  /// Erases the progress line before results are printed.
  func clear() {
    lock.withLock {
      if drawn { terminal.write("\r\u{1B}[K") }
      drawn = false
    }
  }
}
