/// What a scenario expects of its exploration.
public enum Expectation: Hashable, Sendable, CustomStringConvertible {
  /// No violation at all.
  case ok
  /// At least one violation of this kind.
  case violation(kind: String)

  public var description: String {
    switch self {
    case .ok: return "ok"
    case .violation(let kind): return "violation \(kind)"
    }
  }
}
