import Explorer
import ExplorerTestSupport
import Testing

/// The stateful search: same verdicts as the oracle on terminating programs, livelocks as lassos.
@Suite struct StatefulSearchTests {
  typealias I = MiniProgram.Instruction

  /// Thread 0 spins until thread 1 sets the flag: starving thread 1 is not fair, so no livelock.
  static let spinUntilSet = MiniProgram(
    name: "spin-until-set", variables: 1,
    threads: [
      [.load(register: 0, variable: 0), .jumpIfEqual(register: 0, value: 0, target: 0)],
      [.store(variable: 0, value: .constant(1))],
    ])

  /// Thread 0 spins on a flag that thread 1 never sets: a livelock.
  static let spinForever = MiniProgram(
    name: "spin-forever", variables: 2,
    threads: [
      [.load(register: 0, variable: 0), .jumpIfEqual(register: 0, value: 0, target: 0)],
      [.store(variable: 1, value: .constant(1))],
    ])

  /// Each thread raises its flag, backs off when it sees the other's, and tries again.
  static let politeLivelock = MiniProgram(
    name: "polite", variables: 2,
    threads: [0, 1].map { me in
      let other = 1 - me
      return [
        I.store(variable: me, value: .constant(1)),
        .load(register: 0, variable: other),
        .jumpIfEqual(register: 0, value: 0, target: 5),
        .store(variable: me, value: .constant(0)),
        .jump(target: 0),
        .store(variable: me, value: .constant(0)),
      ]
    })

  /// Thread 0 polls a flag under a lock until thread 1, which needs the same lock, sets it.
  static let pollUnderLock = MiniProgram(
    name: "poll-under-lock", variables: 1, locks: 1,
    threads: [
      [
        .lock(0), .load(register: 0, variable: 0), .unlock(0),
        .jumpIfEqual(register: 0, value: 0, target: 0),
      ],
      [.lock(0), .store(variable: 0, value: .constant(1)), .unlock(0)],
    ])

  /// Thread 1 can run every time thread 0 drops the lock, so a cycle in which it never does is
  /// not fair (strong fairness, as queued locks give): no livelock.
  @Test func aPollerDoesNotStarveAThreadWaitingForItsLock() throws {
    let result = try Explorer.explore(
      Self.pollUnderLock, configuration: Configuration(strategy: .stateful(shortest: false)))
    #expect(result.counterexamples.isEmpty)
    #expect(result.isVerified)
  }

  @Test func fairSpinWaitIsNotALivelock() throws {
    let result = try Explorer.explore(
      Self.spinUntilSet, configuration: Configuration(strategy: .stateful(shortest: false)))
    #expect(result.counterexamples.isEmpty)
    // The initial state (thread 0's failed poll leads back to it), the flag set, thread 0 done.
    #expect(result.statistics.distinctStates == 3)
    #expect(result.isVerified)
  }

  @Test func spinningOnAFlagNobodySetsIsALivelock() throws {
    let system = Self.spinForever
    let result = try Explorer.explore(
      system, configuration: Configuration(strategy: .stateful(shortest: true)))
    let violations = result.counterexamples.map(\.violation)
    #expect(
      violations == [
        Violation(
          kind: "unbounded-retry",
          message: "a cycle of 1 step without progress: t0 can retry forever")
      ])
    let trace = try #require(result.counterexamples.first?.trace)
    #expect(trace.loopStart == 1)
    #expect(trace.description == "1,0")
    _ = try Replayer(system: system).validate(trace)
  }

  @Test func politeBackOffIsALivelock() throws {
    let system = Self.politeLivelock
    let result = try Explorer.explore(
      system, configuration: Configuration(strategy: .stateful(shortest: true)))
    let kinds = result.counterexamples.map(\.violation.kind)
    #expect(kinds == ["unbounded-retry"])
    let trace = try #require(result.counterexamples.first?.trace)
    _ = try Replayer(system: system).validate(trace)
    #expect(Set(trace.steps[(trace.loopStart ?? 0)...].map(\.thread)) == [0, 1])
  }

  @Test(arguments: [
    CanonicalSystems.lastZero(3), CanonicalSystems.lostUpdate, CanonicalSystems.twoLockDeadlock,
  ])
  func agreesWithDepthFirstSearch(system: MiniProgram) throws {
    let dfs = try Explorer.explore(system, configuration: Configuration(strategy: .dfs))
    let stateful = try Explorer.explore(
      system, configuration: Configuration(strategy: .stateful(shortest: false)))
    #expect(Set(stateful.counterexamples.map(\.violation)) == Set(dfs.counterexamples.map(\.violation)))
    #expect(stateful.statistics.distinctStates == dfs.statistics.distinctStates)
    for counterexample in stateful.counterexamples {
      _ = try Replayer(system: system).validate(counterexample.trace)
    }
  }

  @Test func aLassoThatDoesNotCloseIsRejected() throws {
    let trace = Trace(
      steps: [.init(thread: 1), .init(thread: 0)],
      violation: Violation(kind: "unbounded-retry", message: "x"), loopStart: 0)
    #expect(throws: ReplayError.loopNotClosed(loopStart: 0)) {
      _ = try Replayer(system: Self.spinForever).validate(trace)
    }
  }
}

extension StatefulSearchTests {
  @Test func aStateBudgetStopsTheSearch() throws {
    let result = try Explorer.explore(
      CanonicalSystems.lastZero(3),
      configuration: Configuration(strategy: .stateful(shortest: false), stateBudget: 10))
    #expect(result.completion == .exceededStateBudget)
    #expect(result.statistics.distinctStates == 11)
    #expect(!result.isVerified)
  }
}

extension StatefulSearchTests {
  /// A budget in bytes of resident memory stops the stateful search as a state budget does; any
  /// process holds more than one byte, so the first look at memory (at step 64) stops it.
  @Test func aMemoryStateBudgetStopsTheStatefulSearchOnly() throws {
    let system = CanonicalSystems.lastZero(5)
    let stateful = try Explorer.explore(
      system,
      configuration: Configuration(strategy: .stateful(shortest: false), stateMemoryBudget: 1))
    #expect(stateful.completion == .exceededStateBudget)
    #expect(stateful.statistics.transitions == 64)
    #expect(!stateful.isVerified)
    let unlimited = try Explorer.explore(
      system, configuration: Configuration(strategy: .stateful(shortest: false)))
    #expect(unlimited.completion == .complete)
    #expect(unlimited.statistics.transitions > 64)
    // DPOR has no stored states to budget.
    let dpor = try Explorer.explore(
      system, configuration: Configuration(strategy: .dpor, stateMemoryBudget: 1))
    #expect(dpor.completion == .complete)
  }
}
