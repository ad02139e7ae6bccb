/// One schedule: the thread chosen at each visible step and the choice it made there.
///
/// A trace is what a counterexample is: saved as JSON, printed in a compact string form
/// (`0,1,1/2,0` runs thread 0, then thread 1 twice, its second step with choice 2, then thread 0)
/// and replayed exactly by `Replayer`.
public struct Trace: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The JSON format version this code writes and reads.
  public static let formatVersion = 1

  /// One visible step of a trace.
  public struct Step: Hashable, Sendable, Codable {
    public var thread: Int
    public var choice: Int
    public init(thread: Int, choice: Int = 0) {
      self.thread = thread
      self.choice = choice
    }
  }

  public var version: Int
  /// The spec the trace belongs to (a path or a name), when known.
  public var spec: String?
  /// The scenario the trace belongs to, when known.
  public var scenario: String?
  public var steps: [Step]
  /// The violation the trace ends in, if it shows one.
  public var violation: Violation?
  /// Where the trace loops back to when it shows a cycle (a lasso): the index of the first step of
  /// the loop. `nil` for an ordinary finite trace.
  public var loopStart: Int?

  public init(
    steps: [Step], violation: Violation? = nil, spec: String? = nil, scenario: String? = nil,
    loopStart: Int? = nil
  ) {
    self.version = Trace.formatVersion
    self.steps = steps
    self.violation = violation
    self.spec = spec
    self.scenario = scenario
    self.loopStart = loopStart
  }

  /// The compact string form, for example `0,1,1/2,0`.
  public var description: String {
    steps.map { $0.choice == 0 ? "\($0.thread)" : "\($0.thread)/\($0.choice)" }
      .joined(separator: ",")
  }

  /// Parses the compact string form; `nil` if it is malformed.
  public init?(compact: String) {
    var steps: [Step] = []
    if !compact.isEmpty {
      for part in compact.split(separator: ",", omittingEmptySubsequences: false) {
        let fields = part.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(fields.count), let thread = Int(fields[0]), thread >= 0 else {
          return nil
        }
        var choice = 0
        if fields.count == 2 {
          guard let c = Int(fields[1]), c >= 0 else { return nil }
          choice = c
        }
        steps.append(Step(thread: thread, choice: choice))
      }
    }
    self.init(steps: steps)
  }

  /// The number of times consecutive steps belong to different threads.
  public var contextSwitches: Int {
    zip(steps, steps.dropFirst()).filter { $0.thread != $1.thread }.count
  }
}
