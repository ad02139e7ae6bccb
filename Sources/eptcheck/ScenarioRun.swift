import Explorer
import Spec

/// One scenario checked: what was expected, what the explorer found, and the verdict.
struct ScenarioRun: Sendable {
  /// Whether a scenario behaved as its `expect` line says.
  enum Verdict: Sendable, Equatable {
    /// As expected: no violation for `expect ok`, the named kind for `expect violation`.
    case asExpected
    /// Not as expected; the reason says how.
    case unexpected(String)
    /// Neither: the run timed out, or hit the bound under `--require-complete`.
    case inconclusive(String)
    /// Not known yet: this run explored one shard's part of the scenario, and only `merge` of
    /// every part can tell.
    case partial(String)

    var word: String {
      switch self {
      case .asExpected: return "pass"
      case .unexpected: return "FAIL"
      case .inconclusive: return "inconclusive"
      case .partial: return "partial"
      }
    }

    /// Why the verdict is what it is, unless it is as expected.
    var reason: String? {
      switch self {
      case .asExpected: return nil
      case .unexpected(let why), .inconclusive(let why), .partial(let why): return why
      }
    }
  }

  var scenario: ScenarioInfo
  var result: ExplorationResult
  var traces: [RenderedTrace]
  var verdict: Verdict
  /// `I/N` when the run explored only shard `I`'s subtrees of the scenario (see `Partition`).
  var part: String?
  /// The process's peak resident memory when the check ended, in bytes.
  var peakResidentBytes: Int? = nil
  /// Under `auto`, when dpor took over: what the stateful search stored and spent before its
  /// budget ran out, so that a scenario whose states do not close says where its time went.
  var statefulBeforeDPOR: Statistics? = nil
  /// Whether a signal (SIGINT, SIGTERM) ended the run while this scenario was being checked.
  var interrupted = false

  /// How much of the behaviour the run covered, as reports print it.
  var completeness: String { interrupted ? "interrupted" : ScenarioRun.completeness(result) }

  /// The limits a run was given, named in the verdict of a run that reached one.
  struct Limits: Sendable, Equatable {
    var memory: MemorySize? = nil
    var states: Int? = nil
    /// The resident memory the stateful search may grow to under `auto`.
    var stateMemory: MemorySize? = nil
  }

  init(
    scenario: ScenarioInfo, result: ExplorationResult, traces: [RenderedTrace],
    requireComplete: Bool,
    part: String? = nil, limits: Limits = Limits()
  ) {
    var verdict = ScenarioRun.judge(
      scenario.expectation, result, requireComplete: requireComplete, limits: limits,
      alsoExpected: scenario.alsoExpected)
    if let part { verdict = ScenarioRun.judgePart(part, scenario.expectation, verdict) }
    self.init(scenario: scenario, result: result, traces: traces, verdict: verdict)
    self.part = part
  }

  init(scenario: ScenarioInfo, result: ExplorationResult, traces: [RenderedTrace], verdict: Verdict)
  {
    self.scenario = scenario
    self.result = result
    self.traces = traces
    self.verdict = verdict
  }

  /// What one part of a scenario can say on its own: a violation an `expect ok` scenario must
  /// not have, or the violation an `expect violation` scenario must have, decides the scenario;
  /// anything else waits for the other parts.
  static func judgePart(_ part: String, _ expectation: Expectation, _ verdict: Verdict) -> Verdict {
    switch (expectation, verdict) {
    case (.ok, .unexpected), (.violation, .asExpected): return verdict
    default: return .partial("part \(part): the verdict needs every part, merged")
    }
  }

  /// The verdict on `result`. A bug variant passes when it finds its kind and nothing beyond
  /// it and `alsoExpected` (the consequences `expect violation a, b;` lists): a kind the bug
  /// does not explain is news, and a patch that adds one must not hide behind the old bug.
  static func judge(
    _ expectation: Expectation, _ result: ExplorationResult, requireComplete: Bool,
    limits: Limits = Limits(), alsoExpected: [String] = []
  ) -> Verdict {
    let kinds = result.counterexamples.map(\.violation.kind)
    let stopped = stopReason(result, limits)
    switch expectation {
    case .ok:
      if let first = result.counterexamples.first {
        return .unexpected("expected ok, found \(first.violation.kind)")
      }
      if let stopped { return .inconclusive("\(stopped) before the search finished") }
      if requireComplete,
        result.statistics.cutExecutions > 0 || !result.strategy.isExhaustive || result.mayMissStates
      {
        return .inconclusive("incomplete: \(completeness(result))")
      }
      return .asExpected
    case .violation(let kind):
      let beyond = Array(Set(kinds).subtracting([kind] + alsoExpected)).sorted()
      if kinds.contains(kind) {
        if beyond.isEmpty { return .asExpected }
        return .unexpected(
          "expected violation \(kind), also found \(beyond.joined(separator: ", "))")
      }
      if let stopped { return .inconclusive("\(stopped) before finding \(kind)") }
      // A search that was cut (at the depth bound, or where a retry loop passed its bound) or
      // sampled cannot tell that the violation is not there: a bound reached is no evidence.
      let s = result.statistics
      if s.cutExecutions > 0 || !result.strategy.isExhaustive || result.mayMissStates {
        let found = Array(Set(kinds)).sorted().joined(separator: ", ")
        let others = kinds.isEmpty ? "" : " (found \(found))"
        return .inconclusive("\(kind) not found\(others); incomplete: \(completeness(result))")
      }
      if kinds.isEmpty { return .unexpected("expected violation \(kind), found none") }
      return .unexpected(
        "expected violation \(kind), found \(Array(Set(kinds)).sorted().joined(separator: ", "))")
    }
  }

  /// Whether a counterexample shows what the scenario expects: the kind of `expect violation`
  /// or one of its consequences. Traces that do not are what a report leads with.
  func expects(_ violation: Violation) -> Bool {
    switch scenario.expectation {
    case .ok: return false
    case .violation(let kind):
      return violation.kind == kind || scenario.alsoExpected.contains(violation.kind)
    }
  }

  /// The counterexamples the scenario does not expect, then (with `showExpected`) the others.
  func traces(showExpected: Bool) -> [RenderedTrace] {
    traces.filter { !expects($0.violation) }
      + (showExpected ? traces.filter { expects($0.violation) } : [])
  }

  /// What cut the search short, if a limit did: the wall clock, memory or the state budget.
  static func stopReason(_ result: ExplorationResult, _ limits: Limits) -> String? {
    switch result.completion {
    case .timedOut: return "timed out"
    case .exceededMemoryLimit:
      return "memory limit" + (limits.memory.map { " of \($0)" } ?? "") + " reached"
    case .exceededStateBudget:
      if let states = limits.states { return "state budget of \(states) states reached" }
      if let memory = limits.stateMemory { return "state budget of \(memory) of memory reached" }
      return "state budget reached"
    case .complete, .stoppedAtViolation: return nil
    }
  }

  /// How much of the behaviour the run covered, in the words the result line uses.
  static func completeness(_ result: ExplorationResult) -> String {
    let covered = coverage(result)
    return result.mayMissStates ? covered + ", hash compaction: states may be missed" : covered
  }

  private static func coverage(_ result: ExplorationResult) -> String {
    if let stopped = stopReason(result, Limits()) { return stopped }
    if !result.strategy.isExhaustive { return "sampled (\(result.strategy.name)), not exhaustive" }
    if result.completion == .stoppedAtViolation { return "stopped at the first violation" }
    let s = result.statistics
    let atDepth = s.cutExecutions - s.loopBoundCuts
    var cuts: [String] = []
    if atDepth > 0, let bound = result.depthBound {
      cuts.append("bounded at depth \(bound): \(atDepth) executions cut")
    }
    if s.loopBoundCuts > 0 {
      cuts.append("bounded by retry-loop bounds: \(s.loopBoundCuts) executions cut")
    }
    return cuts.isEmpty ? "complete" : cuts.joined(separator: "; ")
  }
}

/// A counterexample replayed step by step with what each step did, ready for any reporter.
struct RenderedTrace: Sendable {
  /// One step, as the text, JSON and HTML reports show it.
  struct Step: Sendable, Codable {
    var index: Int
    var thread: Int
    var threadName: String
    var choice: Int
    var function: String
    var kernelFile: String?
    var kernelFunction: String?
    var location: SourceLocation?
    var operation: String
    /// The invisible steps the step ran after its visible one (`file:line operation`); nil when
    /// none.
    var invisible: [String]? = nil
    var changes: [String]
    /// The SEAMCALLs that returned in this step, each with its status by name
    /// (`tdh_mem_page_aug() → TDX_OPERAND_BUSY | TDX_OPERAND_ID_SEPT`); nil when none did.
    var returned: [String]? = nil
  }

  /// A thread a violation is about, where it stood: lockdep's and a stack dump's view of it.
  struct Culprit: Sendable, Codable, Equatable {
    var thread: String
    /// The step it was at (`file:line operation`); nil once it had returned.
    var operation: String?
    /// Its call stack, innermost first (`function (file:line)`).
    var stack: [String]
    /// The locks it held, as lockdep lists them (`mmu_lock (read)`).
    var heldLocks: [String]
    /// For a deadlock: each lock its step waits for, with who holds it (`l0: held(t1)`).
    var waitsFor: [String] = []
    /// For the second side of a race: which access this is (`the other access, step 11`).
    var role: String? = nil
    /// Whether the thread could not move (a deadlock).
    var blocked: Bool? = nil
  }

  var violation: Violation
  var trace: Trace
  var threadNames: [String]
  var steps: [Step]
  /// The invisible steps each thread ran before its first step (`file:line operation`).
  var invisibleAtStart: [[String]] = []
  /// The violation as the replay raised it, at which step (`steps.count` for the final state).
  var violationStep: Int
  /// The threads the violation is about (see `TraceRenderer.culprits`).
  var culprits: [Culprit] = []
  /// The violation's message with the cells it names in kernel terms (`spt[9]` as `mirror
  /// L1[gfn 1]`), for the text and HTML reports; JSON keeps the message as raised.
  var displayMessage: String? = nil
}
