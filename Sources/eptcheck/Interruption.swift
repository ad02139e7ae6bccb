import Dispatch
import Foundation

/// SIGINT and SIGTERM as events: a Ctrl-C ends a check with a report of what it explored
/// instead of killing it mid-run, and exits 130 as a shell expects of an interrupted command.
enum Interruption {
  /// The exit code of a run ended by a signal, as shells report one ended by SIGINT (128 + 2).
  static let exitCode: Int32 = 130

  /// Handles SIGINT and SIGTERM with `handler`, on a queue of its own, instead of the default
  /// (which ends the process at once); keep the returned sources alive while it should apply.
  static func install(_ handler: @escaping @Sendable (Int32) -> Void) -> [DispatchSourceSignal] {
    let queue = DispatchQueue(label: "eptcheck.interruption")
    return [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { handler(number) }
      source.resume()
      return source
    }
  }

  /// The signal's name as the user knows it.
  static func name(_ number: Int32) -> String {
    switch number {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    default: return "signal \(number)"
    }
  }
}
