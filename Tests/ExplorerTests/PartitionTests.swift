import Explorer
import ExplorerTestSupport
import Testing

/// A partitioned exploration (`Partition`) covers what the whole search covers, and its counts do
/// not depend on how many threads or shards run its subtrees.
@Suite struct PartitionTests {
  /// Small enough that the generated programs really are split, at several depths.
  static let partitions = [Partition(minimumSubtrees: 2), Partition(minimumSubtrees: 5), Partition(minimumSubtrees: 40)]

  static func explore(
    _ program: MiniProgram, _ strategy: Strategy, bound: Int?, _ partition: Partition
  ) throws -> RecordedExploration<MiniProgram> {
    try RecordedExploration(
      program, configuration: Configuration(strategy: strategy, depthBound: bound, shrink: false),
      partition: partition)
  }

  /// The differential test against `dfs` runs in `GeneratedProgramTests.dporAgreesWithDFS`,
  /// which explores every program split as well as whole. Here: the counts, unbounded.
  @Test("partitioned dpor runs exactly one execution per trace, unbounded")
  func partitionedDPORRunsEachTraceOnce() throws {
    var failures = Corpus.Failures("partitioned dpor is not optimal", bound: nil)
    for (index, (seed, program)) in Corpus.programs.prefix(400).enumerated() {
      let partition = Self.partitions[index % Self.partitions.count]
      let dfs = try Corpus.explore(program, .dfs, bound: nil)
      let split = try Self.explore(program, .dpor, bound: nil, partition)
      var problems: [String] = []
      if split.count(.sleepSetBlocked) != split.result.statistics.sleepSetBlocked {
        problems.append("sleep-set-blocked statistics disagree with the records")
      }
      if split.result.statistics.executions
        != split.records.filter({ $0.ending != .sleepSetBlocked }).count
      {
        problems.append("statistics and records disagree on executions")
      }
      let forms = split.canonicalForms
      let traces = Set(dfs.records.map { Mazurkiewicz.foataNormalForm($0) })
      if Set(forms) != traces || forms.count != traces.count {
        problems.append("\(forms.count) executions (\(Set(forms).count) distinct) for \(traces.count) traces")
      }
      failures.record(seed, program, problems)
    }
    failures.check()
  }

  @Test("partitioned dfs runs exactly the executions of dfs", arguments: [nil, 3] as [Int?])
  func partitionedDFSIsDFS(bound: Int?) throws {
    var failures = Corpus.Failures("partitioned dfs differs from dfs", bound: bound)
    for (index, (seed, program)) in Corpus.programs.prefix(200).enumerated() {
      let partition = Self.partitions[index % Self.partitions.count]
      let dfs = try Corpus.explore(program, .dfs, bound: bound)
      let split = try Self.explore(program, .dfs, bound: bound, partition)
      var problems: [String] = []
      if split.records.map(\.steps) != dfs.records.map(\.steps) {
        problems.append("executions differ")
      }
      // Transitions differ: each subtree replays its prefix.
      let (a, b) = (split.result.statistics, dfs.result.statistics)
      if (a.executions, a.cutExecutions, a.maxDepth, a.sleepSetBlocked)
        != (b.executions, b.cutExecutions, b.maxDepth, b.sleepSetBlocked)
      {
        problems.append("statistics \(a) vs \(b)")
      }
      if split.violations != dfs.violations { problems.append("violations differ") }
      failures.record(seed, program, problems)
    }
    failures.check()
  }

  /// What a run reports, threads aside.
  struct Summary: Equatable {
    var statistics: Statistics
    var counterexamples: [Counterexample]
    var completion: ExplorationResult.Completion

    init(_ result: ExplorationResult) {
      statistics = result.statistics.deterministicPart
      counterexamples = result.counterexamples
      completion = result.completion
    }
  }

  static func run(
    _ system: MiniProgram, _ strategy: Strategy, bound: Int?, _ partition: Partition, jobs: Int
  ) throws -> Summary {
    Summary(
      try Explorer.explore(
        system, configuration: Configuration(strategy: strategy, depthBound: bound),
        partition: partition, jobs: jobs))
  }

  static let systems: [(String, MiniProgram)] = [
    ("lastzero(4)", CanonicalSystems.lastZero(4)), ("readers(4)", CanonicalSystems.readers(4)),
    ("indexer", CanonicalSystems.indexer(threads: 3, size: 4)),
    ("lost update", CanonicalSystems.lostUpdate), ("two-lock deadlock", CanonicalSystems.twoLockDeadlock),
    ("cas counter(3)", CanonicalSystems.casCounter(3)),
  ]

  @Test("jobs change nothing but the time", arguments: [Strategy.dpor, .dfs], [nil, 6] as [Int?])
  func jobsChangeNothing(strategy: Strategy, bound: Int?) throws {
    let programs =
      Self.systems + Corpus.programs.prefix(100).map { ("seed \($0.seed)", $0.program) }
    for (name, system) in programs {
      let partition = Partition(minimumSubtrees: 8)
      let one = try Self.run(system, strategy, bound: bound, partition, jobs: 1)
      for jobs in [2, 3] {
        let many = try Self.run(system, strategy, bound: bound, partition, jobs: jobs)
        #expect(many == one, "\(name), \(Corpus.label(bound)), \(jobs) jobs")
      }
    }
  }

  @Test("the shards of a partition add up to the whole", arguments: 1...4)
  func shardsAddUp(count: Int) throws {
    for (name, system) in Self.systems {
      for bound in [nil, 6] as [Int?] {
        let whole = try Self.run(system, .dpor, bound: bound, Partition(minimumSubtrees: 8), jobs: 1)
        var executions = 0
        var blocked = 0
        var cut = 0
        var transitions = 0
        var violations: Set<Violation> = []
        for shard in 0..<count {
          let part = try Self.run(
            system, .dpor, bound: bound,
            Partition(minimumSubtrees: 8, shard: shard, shardCount: count), jobs: 1)
          executions += part.statistics.executions
          blocked += part.statistics.sleepSetBlocked
          cut += part.statistics.cutExecutions
          transitions += part.statistics.transitions
          violations.formUnion(part.counterexamples.map(\.violation))
        }
        let label = "\(name), \(Corpus.label(bound)), \(count) shards"
        #expect(executions == whole.statistics.executions, "\(label)")
        #expect(blocked == whole.statistics.sleepSetBlocked, "\(label)")
        #expect(cut == whole.statistics.cutExecutions, "\(label)")
        #expect(transitions == whole.statistics.transitions, "\(label)")
        #expect(violations == Set(whole.counterexamples.map(\.violation)), "\(label)")
      }
    }
  }

  /// Split into subtrees, DPOR still runs each trace of lastzero(4) exactly once (the traces are
  /// counted here from dfs), and pays for the split in sleep-set-blocked executions only.
  @Test func lastZeroSplitStillRunsEachTraceOnce() throws {
    let system = CanonicalSystems.lastZero(4)
    let dfs = try Corpus.explore(system, .dfs, bound: nil)
    let traces = Set(dfs.records.map { Mazurkiewicz.foataNormalForm($0) }).count
    let whole = try Corpus.explore(system, .dpor, bound: nil)
    let split = try Self.explore(system, .dpor, bound: nil, Partition(minimumSubtrees: 16))
    #expect(whole.result.statistics.executions == traces)
    #expect(split.result.statistics.executions == traces)
    #expect(Set(split.canonicalForms).count == traces)
    #expect(whole.result.statistics.sleepSetBlocked == 0)
    print("lastzero(4) in subtrees: \(split.result.statistics.sleepSetBlocked) sleep-set-blocked executions")
  }

  @Test func onlyTreesCanBeSplit() {
    let system = CanonicalSystems.lostUpdate
    #expect(throws: Explorer.Failure.notPartitionable("stateful")) {
      try Explorer.explore(
        system, configuration: Configuration(strategy: .stateful(shortest: false)),
        partition: Partition())
    }
    #expect(throws: Explorer.Failure.badPartition("shard 3 of 3")) {
      try Explorer.explore(
        system, configuration: Configuration(), partition: Partition(shard: 3, shardCount: 3))
    }
  }
}
