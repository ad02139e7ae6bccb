/// A property the model broke, named by kind so reports and expectations can match on it.
///
/// The engine itself raises only `deadlock` and `unbounded-retry`; every other kind comes from the
/// model. Two violations are the same when kind and message are equal.
public struct Violation: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The check that failed, for example `divergence` or `deadlock`.
  public var kind: String
  /// What went wrong, in the model's words.
  public var message: String

  public init(kind: String, message: String) {
    self.kind = kind
    self.message = message
  }

  /// The violation the engine reports when no thread can move and some have not finished.
  public static func deadlock(blocked: [String]) -> Violation {
    Violation(kind: "deadlock", message: "no thread can move; blocked: \(blocked.joined(separator: ", "))")
  }

  /// The violation the stateful search reports for a cycle in which no thread makes progress.
  public static func unboundedRetry(threads: [String], length: Int) -> Violation {
    Violation(
      kind: "unbounded-retry",
      message:
        "a cycle of \(length) step\(length == 1 ? "" : "s") without progress: \(threads.joined(separator: ", ")) can retry forever")
  }

  public var description: String { "\(kind): \(message)" }
}
