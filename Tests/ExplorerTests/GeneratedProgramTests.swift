import Explorer
import ExplorerTestSupport
import Testing

/// The fixed corpus of generated programs the differential and optimality tests run over.
enum Corpus {
  /// Seeds `0..<1000`, then seeds from wider sweeps (seeds `1000..<7000`) whose programs
  /// exposed engine bugs that `0..<1000` alone happens not to (see `EngineRegressionTests`).
  static let seeds: [UInt64] =
    Array(0..<1_000) + [
      1415, 1661, 2171, 2232, 2270, 2527, 3252, 3656, 3994, 4317, 4427, 5180, 5269, 5873, 5961,
      6570, 6611, 6746, 6952,
      // A bounded miss (depth 8 and 12) found by the same sweep after the CAS fix.
      1390,
      // Unbounded dpor one trace short: a choice's alternative not planted again once the
      // events after it changed (issue 13; see OptimalityRegressionTests).
      25526,
    ]
  static let programs: [(seed: UInt64, program: MiniProgram)] = {
    let generator = ProgramGenerator()
    return seeds.map { ($0, generator.program(seed: $0)) }
  }()

  /// The depth bounds every differential test uses; `nil` is no bound.
  static let bounds: [Int?] = [nil, 1, 2, 3, 5, 8]

  static func label(_ bound: Int?) -> String { bound.map { "depth \($0)" } ?? "unbounded" }

  static func explore(_ program: MiniProgram, _ strategy: Strategy, bound: Int?) throws
    -> RecordedExploration<MiniProgram>
  {
    try RecordedExploration(
      program, configuration: Configuration(strategy: strategy, depthBound: bound, shrink: false))
  }

  /// Reports the first few failing programs in full and every failing seed in one line.
  struct Failures {
    var bound: Int?
    var what: String
    private(set) var seeds: [UInt64] = []

    init(_ what: String, bound: Int?) {
      self.what = what
      self.bound = bound
    }

    mutating func record(_ seed: UInt64, _ program: MiniProgram, _ problems: [String]) {
      guard !problems.isEmpty else { return }
      seeds.append(seed)
      if seeds.count <= 3 {
        Issue.record(
          "seed \(seed), \(Corpus.label(bound)): \(problems.joined(separator: "; "))\n\(program)")
      }
    }

    func check(sourceLocation: SourceLocation = #_sourceLocation) {
      #expect(
        seeds.isEmpty,
        "\(what): \(seeds.count) of \(Corpus.seeds.count) programs fail at \(Corpus.label(bound)); seeds \(seeds)",
        sourceLocation: sourceLocation)
    }
  }
}

/// Differential tests of `dpor` against `dfs` over 1,000 generated programs, unbounded and under
/// several depth bounds.
///
/// Final states are those of executions that finished or deadlocked. Cut executions are left
/// out on purpose: under a bound, DPOR does not visit every state at the cut (two independent
/// steps past the cut give distinct cut states that no violation distinguishes), but it must
/// still run every step that fits within the bound in every causal context, so the finished and
/// deadlocked states, the violations and the deadlocks must all be the same as `dfs`'s.
@Suite struct GeneratedProgramTests {
  @Test(
    "dpor reaches the same final states, violations and deadlocks as dfs", arguments: Corpus.bounds)
  func dporAgreesWithDFS(bound: Int?) throws {
    var failures = Corpus.Failures("dpor differs from dfs", bound: bound)
    for (index, (seed, program)) in Corpus.programs.enumerated() {
      let dfs = try Corpus.explore(program, .dfs, bound: bound)
      let dpor = try Corpus.explore(program, .dpor, bound: bound)
      var problems: [String] = []
      // The same search split into subtrees (PartitionTests has the rest of its checks).
      let partition = PartitionTests.partitions[index % PartitionTests.partitions.count]
      let split = try PartitionTests.explore(program, .dpor, bound: bound, partition)
      if split.finalStates != dfs.finalStates || split.violations != dfs.violations
        || split.deadlockStates != dfs.deadlockStates
        || split.recordedViolations != dfs.recordedViolations
      {
        problems.append("split into subtrees (\(partition.minimumSubtrees)), dpor differs from dfs")
      }
      if dpor.finalStates != dfs.finalStates {
        problems.append(
          "final states: \(dfs.finalStates.subtracting(dpor.finalStates).count) only in dfs, "
            + "\(dpor.finalStates.subtracting(dfs.finalStates).count) only in dpor")
      }
      if dpor.violations != dfs.violations {
        problems.append(
          "violations only in dfs: \(dfs.violations.subtracting(dpor.violations).map(\.description).sorted()), "
            + "only in dpor: \(dpor.violations.subtracting(dfs.violations).map(\.description).sorted())"
        )
      }
      if dpor.deadlockStates != dfs.deadlockStates {
        problems.append(
          "deadlocked states: dfs \(dfs.deadlockStates.count), dpor \(dpor.deadlockStates.count)")
      }
      if dpor.recordedViolations != dfs.recordedViolations {
        problems.append(
          "violations in execution records: \(dfs.recordedViolations.count) in dfs, "
            + "\(dpor.recordedViolations.count) in dpor")
      }
      // The oracle's own bookkeeping: its records list what it returned.
      if dfs.recordedViolations != dfs.violations {
        problems.append("dfs records and counterexamples disagree")
      }
      if bound == nil, dfs.count(.cut) + dpor.count(.cut) != 0 {
        problems.append("an unbounded run cut an execution")
      }
      failures.record(seed, program, problems)
    }
    failures.check()
  }

  /// Optimality: `dpor` runs exactly one execution per Mazurkiewicz trace. The count is computed
  /// here from `dfs`'s executions (Foata normal forms of their happens-before orders).
  ///
  /// Unbounded, `dpor`'s executions are exactly the traces: as many, pairwise inequivalent,
  /// covering every trace, none sleep-set blocked. Under a bound, `dfs`'s cut executions are the
  /// prefixes of every trace, and `dpor` must run at most one execution per such prefix trace and
  /// never run two equivalent executions; it may run fewer (see the suite's comment). The
  /// executions that end within the bound (finished or deadlocked) are whole traces, and `dpor`
  /// must run exactly those `dfs` runs, once each. Under a bound `dpor` does run some
  /// sleep-set-blocked executions (it uses initials only, not weak initials, so that a covering
  /// execution never needs a step past the bound); they are counted and printed, not asserted.
  @Test("dpor explores one execution per Mazurkiewicz trace", arguments: Corpus.bounds)
  func dporIsOptimal(bound: Int?) throws {
    var failures = Corpus.Failures("dpor is not optimal", bound: bound)
    var blockedPrograms = 0
    var fewerPrograms = 0
    for (seed, program) in Corpus.programs {
      let dfs = try Corpus.explore(program, .dfs, bound: bound)
      let dpor = try Corpus.explore(program, .dpor, bound: bound)
      // Each execution's Foata normal form, computed once (dfs is never sleep-set blocked).
      let dfsForms = dfs.records.map { Mazurkiewicz.foataNormalForm($0) }
      let dfsTraces = Set(dfsForms)
      let traces = dfsTraces.count
      let executions = dpor.result.statistics.executions
      let dporRecords = dpor.records.filter { $0.ending != .sleepSetBlocked }
      let forms = dporRecords.map { Mazurkiewicz.foataNormalForm($0) }
      let formSet = Set(forms)
      var problems: [String] = []
      if executions != forms.count {
        problems.append("statistics say \(executions) executions, the observer saw \(forms.count)")
      }
      if formSet.count != forms.count {
        problems.append("\(forms.count - formSet.count) redundant executions")
      }
      if !formSet.isSubset(of: dfsTraces) {
        problems.append("an execution dfs never ran")
      }
      if dpor.count(.sleepSetBlocked) != dpor.result.statistics.sleepSetBlocked {
        problems.append("sleep-set-blocked statistics disagree with the records")
      }
      if bound == nil {
        if executions != traces { problems.append("\(executions) executions for \(traces) traces") }
        if dpor.result.statistics.sleepSetBlocked != 0 {
          problems.append("\(dpor.result.statistics.sleepSetBlocked) sleep-set-blocked executions")
        }
      } else {
        if executions > traces { problems.append("\(executions) executions for \(traces) traces") }
        // Executions that end within the bound are whole traces: dpor runs each exactly once.
        func isComplete(_ record: ExecutionRecord<MiniProgram.State>) -> Bool {
          record.ending == .finished || record.ending == .deadlock
        }
        let complete = zip(dporRecords, forms).filter { isComplete($0.0) }.map(\.1)
        let expected = Set(zip(dfs.records, dfsForms).filter { isComplete($0.0) }.map(\.1))
        if Set(complete) != expected || complete.count != expected.count {
          problems.append(
            "\(expected.subtracting(complete).count) complete traces missed, "
              + "\(Set(complete).subtracting(expected).count) extra")
        }
        if executions < traces { fewerPrograms += 1 }
        if dpor.result.statistics.sleepSetBlocked != 0 { blockedPrograms += 1 }
      }
      failures.record(seed, program, problems)
    }
    if bound != nil {
      // What holds under a bound, for the record: not asserted (see the suite's comment).
      print(
        "\(Corpus.label(bound)): dpor ran fewer executions than traces in \(fewerPrograms) programs; "
          + "sleep-set-blocked executions in \(blockedPrograms) programs")
    }
    failures.check()
  }

  /// The execution records an observer sees list every violation the exploration reports, for
  /// every strategy (`ExecutionRecord.violations`: "the violations raised during this
  /// execution").
  @Test(arguments: [
    Strategy.dfs, .dpor, .random(seed: 3, executions: 50), .pct(seed: 3, depth: 2, executions: 50),
  ])
  func executionRecordsListEveryViolation(_ strategy: Strategy) throws {
    var failures = Corpus.Failures("records of \(strategy.name) miss violations", bound: nil)
    for (seed, program) in Corpus.programs.prefix(300) {
      let run = try Corpus.explore(program, strategy, bound: nil)
      var problems: [String] = []
      if run.recordedViolations != run.violations {
        problems.append(
          "only in counterexamples: \(run.violations.subtracting(run.recordedViolations).map(\.description).sorted())"
        )
      }
      failures.record(seed, program, problems)
    }
    failures.check()
  }
}

/// The generator itself: reproducible, within its limits, and varied enough to matter.
@Suite struct ProgramGeneratorTests {
  @Test func theSameSeedGivesTheSameProgram() {
    let generator = ProgramGenerator()
    for seed in UInt64(0)..<50 {
      #expect(
        generator.program(seed: seed).description == generator.program(seed: seed).description)
    }
    #expect(generator.program(seed: 1).description != generator.program(seed: 2).description)
  }

  @Test func programsStayWithinTheirLimits() {
    for (seed, program) in Corpus.programs {
      #expect((2...4).contains(program.threadCount), "seed \(seed)")
      #expect((1...3).contains(program.variableCount), "seed \(seed)")
      #expect((0...2).contains(program.lockCount), "seed \(seed)")
      #expect(
        ProgramGenerator.interleavingBound(of: program) <= ProgramGenerator().interleavingBudget)
      for code in program.threads {
        #expect((1...6).contains(code.filter { !$0.isLocal }.count), "seed \(seed)\n\(program)")
        for (pc, instruction) in code.enumerated() {
          switch instruction {
          case .jumpIfEqual(_, _, let target), .jump(let target):
            #expect(target > pc && target <= code.count, "only forward jumps: seed \(seed)")
          default: break
          }
        }
      }
    }
  }

  /// The corpus exercises what the engine must get right: violations of every kind the programs
  /// can raise, deadlocks, choices, locks, branches. Counted with `dfs`.
  @Test func theCorpusIsVaried() throws {
    var counts: [String: Int] = [:]
    for (_, program) in Corpus.programs {
      let dfs = try Corpus.explore(program, .dfs, bound: nil)
      let kinds = Set(dfs.violations.map(\.kind))
      for kind in kinds { counts[kind, default: 0] += 1 }
      if !kinds.isEmpty { counts["any violation", default: 0] += 1 }
      if !dfs.deadlockStates.isEmpty { counts["deadlocked states", default: 0] += 1 }
      let code = program.threads.joined()
      if code.contains(where: { if case .choose = $0 { true } else { false } }) {
        counts["choose", default: 0] += 1
      }
      if code.contains(where: { if case .lock = $0 { true } else { false } }) {
        counts["lock", default: 0] += 1
      }
      if code.contains(where: { if case .jumpIfEqual = $0 { true } else { false } }) {
        counts["branch", default: 0] += 1
      }
      if code.contains(where: { if case .compareExchange = $0 { true } else { false } }) {
        counts["cas", default: 0] += 1
      }
      if !program.finalExpectations.isEmpty { counts["final expectation", default: 0] += 1 }
      if program.threadCount == 4 { counts["4 threads", default: 0] += 1 }
    }
    print(
      "corpus of \(Corpus.seeds.count): \(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
    )
    #expect(counts["any violation", default: 0] >= 300)
    #expect(counts["assertion", default: 0] >= 200)
    #expect(counts["lock-misuse", default: 0] >= 50)
    #expect(counts["deadlock", default: 0] >= 30)
    #expect(counts["choose", default: 0] >= 100)
    #expect(counts["lock", default: 0] >= 300)
    #expect(counts["branch", default: 0] >= 300)
    #expect(counts["cas", default: 0] >= 300)
    #expect(counts["final expectation", default: 0] >= 100)
    #expect(counts["4 threads", default: 0] >= 100)
  }
}

/// The Foata normal form used as the trace oracle agrees with the definition of Mazurkiewicz
/// equivalence (swapping adjacent independent steps), checked pair by pair on small programs.
@Suite struct MazurkiewiczOracleTests {
  @Test func foataFormsAgreeWithSwapEquivalence() throws {
    var checkedPrograms = 0
    var checkedPairs = 0
    var equivalentPairs = 0
    let small =
      Corpus.programs.lazy.map(\.program) + [
        CanonicalSystems.lostUpdate, CanonicalSystems.twoLockDeadlock, CanonicalSystems.readers(3),
        CanonicalSystems.casCounter(2), CanonicalSystems.lastZero(2),
      ]
    for program in small {
      let dfs = try Corpus.explore(program, .dfs, bound: nil)
      guard (2...40).contains(dfs.records.count) else { continue }
      checkedPrograms += 1
      let words = dfs.records.map {
        $0.steps.map {
          Mazurkiewicz.Letter(thread: $0.thread, choice: $0.choice, footprint: $0.footprint)
        }
      }
      let forms = words.map(Mazurkiewicz.foataNormalForm)
      for i in words.indices {
        for j in words.indices where j > i {
          let same = forms[i] == forms[j]
          #expect(same == Mazurkiewicz.equivalentBySwaps(words[i], words[j]), "\(program)")
          checkedPairs += 1
          if same { equivalentPairs += 1 }
        }
      }
      if checkedPrograms == 60 { break }
    }
    #expect(checkedPrograms >= 50)
    #expect(equivalentPairs > 100, "the check must see equivalent pairs, not only distinct ones")
    print(
      "Foata forms checked on \(checkedPairs) pairs of executions, \(equivalentPairs) equivalent")
  }

  @Test func foataFormOfAHandExample() {
    let w0 = Footprint([(object: 0, mode: .write)])
    let r1 = Footprint([(object: 1, mode: .read)])
    let a = Mazurkiewicz.Letter(thread: 0, choice: 0, footprint: w0)
    let b = Mazurkiewicz.Letter(thread: 1, choice: 0, footprint: r1)
    let c = Mazurkiewicz.Letter(thread: 1, choice: 0, footprint: w0)
    // b commutes with a; c conflicts with a and follows b in program order.
    #expect(Mazurkiewicz.foataNormalForm([a, b, c]) == [[a, b], [c]])
    #expect(Mazurkiewicz.foataNormalForm([b, a, c]) == [[a, b], [c]])
    #expect(Mazurkiewicz.foataNormalForm([b, c, a]) == [[b], [c], [a]])
  }
}
