import Explorer

/// `dpor` against the `dfs` oracle on one program at one bound: the checks of
/// `GeneratedProgramTests`, in one place for the tests and for `benchmarks sweep`.
///
/// **Differential** (a disagreement): the final states of executions that finished or
/// deadlocked, the deadlocked states, the violations returned and those the records list must be
/// `dfs`'s; an unbounded run cuts nothing. **Optimality** (a gap), from Foata normal forms of the
/// executions: unbounded, `dpor` runs each Mazurkiewicz trace `dfs` shows exactly once and no
/// execution is sleep-set blocked. Under a bound `dfs`'s executions are the traces of the
/// bounded tree: `dpor` runs none of them twice, none `dfs` never ran, at most as many as there
/// are, and each complete one (finished or deadlocked within the bound) exactly once; it may
/// skip cut ones and end some executions sleep-set blocked (initials only, see `OptimalDPOR`).
/// Records are folded as they arrive, so that large programs need no list of executions.
public struct DifferentialCheck: Sendable {
  public var disagreements: [String] = []
  public var gaps: [String] = []
  /// `dpor`'s executions (sleep-set-blocked ones excluded) and sleep-set-blocked ones.
  public var executions = 0
  public var sleepSetBlocked = 0
  /// The traces `dfs` shows.
  public var traces = 0

  public var isClean: Bool { disagreements.isEmpty && gaps.isEmpty }

  /// Checks `program` at `bound`; with `partition`, the split `dpor` search is checked against
  /// `dfs` too (differentially: the split is not optimal, see `Partition`).
  public init(
    _ program: MiniProgram, bound: Int?, partition: Partition? = nil
  ) throws {
    let dfs = try Summary(program, .dfs, bound: bound)
    let dpor = try Summary(program, .dpor, bound: bound)
    executions = dpor.executions
    sleepSetBlocked = dpor.blocked
    traces = dfs.forms.count
    disagreements += Self.differences(dfs, dpor, bound: bound, what: "dpor")
    if dfs.recordedViolations != dfs.violations {
      disagreements.append("dfs records and counterexamples disagree")
    }
    if dpor.executions != dpor.statisticsExecutions {
      gaps.append(
        "statistics say \(dpor.statisticsExecutions) executions, records \(dpor.executions)")
    }
    if dpor.formCount != dpor.forms.count {
      gaps.append("\(dpor.formCount - dpor.forms.count) redundant executions")
    }
    if !dpor.forms.isSubset(of: dfs.forms) { gaps.append("an execution dfs never ran") }
    if bound == nil {
      if dpor.executions != dfs.forms.count {
        gaps.append("\(dpor.executions) executions for \(dfs.forms.count) traces")
      }
      if dpor.blocked != 0 { gaps.append("\(dpor.blocked) sleep-set-blocked executions") }
    } else {
      if dpor.executions > dfs.forms.count {
        gaps.append("\(dpor.executions) executions for \(dfs.forms.count) traces")
      }
      if dpor.complete != dfs.complete || dpor.completeCount != dpor.complete.count {
        disagreements.append(
          "\(dfs.complete.subtracting(dpor.complete).count) complete traces missed, "
            + "\(dpor.completeCount - dpor.complete.count) run twice")
      }
    }
    if let partition {
      let split = try Summary(program, .dpor, bound: bound, partition: partition)
      disagreements += Self.differences(dfs, split, bound: bound, what: "split dpor")
    }
  }

  private static func differences(_ dfs: Summary, _ other: Summary, bound: Int?, what: String)
    -> [String]
  {
    var problems: [String] = []
    if other.finalStates != dfs.finalStates {
      problems.append(
        "\(what) final states: "
          + "\(dfs.finalStates.subtracting(other.finalStates).count) only in dfs, "
          + "\(other.finalStates.subtracting(dfs.finalStates).count) only in \(what)")
    }
    if other.violations != dfs.violations {
      problems.append(
        "\(what) violations only in dfs: "
          + "\(dfs.violations.subtracting(other.violations).map(\.description).sorted()), "
          + "only in \(what): "
          + "\(other.violations.subtracting(dfs.violations).map(\.description).sorted())")
    }
    if other.deadlockStates != dfs.deadlockStates {
      problems.append("\(what) deadlocked states differ")
    }
    if other.recordedViolations != dfs.recordedViolations {
      problems.append("\(what) violations in execution records differ")
    }
    if bound == nil, other.cut != 0 { problems.append("an unbounded \(what) run cut an execution") }
    return problems
  }

  /// One exploration, folded record by record.
  private struct Summary {
    var forms: Set<[[Mazurkiewicz.Letter]]> = []
    var formCount = 0
    var complete: Set<[[Mazurkiewicz.Letter]]> = []
    var completeCount = 0
    var finalStates: Set<MiniProgram.State> = []
    var deadlockStates: Set<MiniProgram.State> = []
    var recordedViolations: Set<Violation> = []
    var violations: Set<Violation> = []
    var executions = 0
    var blocked = 0
    var cut = 0
    var statisticsExecutions = 0

    init(_ program: MiniProgram, _ strategy: Strategy, bound: Int?, partition: Partition? = nil)
      throws
    {
      let box = Box()
      let configuration = Configuration(
        strategy: strategy, depthBound: bound, shrink: false, countDistinctStates: false)
      let observe: (ExecutionRecord<MiniProgram.State>) -> Void = { box.add($0) }
      let result =
        if let partition {
          try Explorer.explore(
            program, configuration: configuration, partition: partition, observer: observe)
        } else {
          try Explorer.explore(program, configuration: configuration, observer: observe)
        }
      self = box.summary
      violations = Set(result.counterexamples.map(\.violation))
      statisticsExecutions = result.statistics.executions
    }

    private final class Box {
      var summary: Summary

      init() {
        summary = Summary()
      }

      func add(_ record: ExecutionRecord<MiniProgram.State>) {
        summary.recordedViolations.formUnion(record.violations)
        switch record.ending {
        case .sleepSetBlocked:
          summary.blocked += 1
          return
        case .cut: summary.cut += 1
        case .finished, .deadlock:
          summary.finalStates.insert(record.finalState)
          if record.ending == .deadlock { summary.deadlockStates.insert(record.finalState) }
        }
        summary.executions += 1
        let form = Mazurkiewicz.foataNormalForm(record)
        summary.forms.insert(form)
        summary.formCount += 1
        if record.ending != .cut {
          summary.complete.insert(form)
          summary.completeCount += 1
        }
      }
    }

    private init() {}
  }
}
