import Explorer
import ExplorerTestSupport
import Testing

/// Strict replay: what a trace shows, and the exact message of every way it can fail.
@Suite struct ReplayerTests {
  static let chooser = MiniProgram(
    name: "chooser", variables: 1,
    threads: [[.choose(register: 0, count: 3), .store(variable: 0, value: .register(0, plus: 0))]])

  static let lostUpdateViolation = Violation(
    kind: "assertion", message: "both increments are visible (x0 = 1)")

  func replay<S: TransitionSystem>(_ system: S, _ compact: String) throws -> Replayer<S>.Outcome {
    try Replayer(system: system).replay(try #require(Trace(compact: compact)).steps)
  }

  func error<S: TransitionSystem>(_ system: S, _ compact: String, violation: Violation? = nil)
    throws -> ReplayError?
  {
    var trace = try #require(Trace(compact: compact))
    trace.violation = violation
    do {
      _ = try Replayer(system: system).validate(trace)
      return nil
    } catch {
      return error
    }
  }

  @Test func aCompleteTraceShowsTheFinalViolation() throws {
    let outcome = try replay(CanonicalSystems.lostUpdate, "0,1,0,1")
    #expect(outcome.states.count == 5)
    #expect(outcome.finalState.variables == [1])
    #expect(outcome.isTerminal)
    #expect(outcome.violations.map(\.step) == [4])
    #expect(outcome.violations.map(\.violation) == [Self.lostUpdateViolation])
  }

  @Test func aSerialTraceShowsNothing() throws {
    let outcome = try replay(CanonicalSystems.lostUpdate, "0,0,1,1")
    #expect(outcome.finalState.variables == [2])
    #expect(outcome.isTerminal)
    #expect(outcome.violations.isEmpty)
  }

  @Test func aPartialTraceIsNotTerminalAndChecksNoFinalState() throws {
    let outcome = try replay(CanonicalSystems.lostUpdate, "0,1")
    #expect(!outcome.isTerminal)
    #expect(outcome.violations.isEmpty)
    #expect(outcome.states.count == 3)
  }

  @Test func aDeadlockIsReportedAfterTheLastStep() throws {
    let outcome = try replay(CanonicalSystems.twoLockDeadlock, "0,1")
    #expect(outcome.isTerminal)
    #expect(outcome.violations.map(\.step) == [2])
    #expect(outcome.violations.map(\.violation) == [.deadlock(blocked: ["t0", "t1"])])
    #expect(
      outcome.violations[0].violation.description == "deadlock: no thread can move; blocked: t0, t1"
    )
  }

  @Test func aStepViolationNamesItsStep() throws {
    let program = MiniProgram(
      name: "misuse", variables: 0, locks: 1, threads: [[.unlock(0)], [.lock(0), .unlock(0)]])
    let outcome = try replay(program, "1,0,1")
    #expect(outcome.violations.map(\.step) == [1])
    #expect(
      outcome.violations.map(\.violation.description) == [
        "lock-misuse: t0 unlocks l0, which it does not hold"
      ])
  }

  @Test func choicesAreReplayed() throws {
    let outcome = try replay(Self.chooser, "0/2,0")
    #expect(outcome.finalState.variables == [2])
  }

  @Test func unknownThread() throws {
    let error = try #require(try error(CanonicalSystems.lostUpdate, "0,5"))
    #expect(error == .noSuchThread(step: 1, thread: 5, threadCount: 2))
    #expect(error.description == "step 1: thread 5 does not exist (the system has 2 threads)")
  }

  @Test func finishedThread() throws {
    let error = try #require(try error(CanonicalSystems.lostUpdate, "0,0,0"))
    #expect(error == .threadNotRunnable(step: 2, thread: 0, runnable: [1]))
    #expect(error.description == "step 2: thread 0 cannot run here (runnable: 1)")
  }

  @Test func blockedThread() throws {
    let error = try #require(try error(CanonicalSystems.twoLockDeadlock, "0,0,1"))
    #expect(error == .threadNotRunnable(step: 2, thread: 1, runnable: [0]))
    #expect(error.description == "step 2: thread 1 cannot run here (runnable: 0)")
  }

  @Test func nothingRunnable() throws {
    let error = try #require(try error(CanonicalSystems.twoLockDeadlock, "0,1,0"))
    #expect(error == .threadNotRunnable(step: 2, thread: 0, runnable: []))
    #expect(error.description == "step 2: thread 0 cannot run here (runnable: none)")
  }

  @Test func choiceOutOfRange() throws {
    let error = try #require(try error(Self.chooser, "0/3"))
    #expect(error == .choiceOutOfRange(step: 0, thread: 0, choice: 3, choices: 3))
    #expect(error.description == "step 0: thread 0 has 3 choices, trace asks for choice 3")
    let deterministic = try #require(try self.error(CanonicalSystems.lostUpdate, "1,0/1"))
    #expect(
      deterministic.description == "step 1: thread 0 has 1 choice, trace asks for choice 1")
  }

  @Test func violationNotReproducedWithNothingSeen() throws {
    let error = try #require(
      try error(CanonicalSystems.lostUpdate, "0,0,1,1", violation: Self.lostUpdateViolation))
    #expect(error == .violationNotReproduced(expected: Self.lostUpdateViolation, observed: []))
    #expect(
      error.description
        == "the trace does not reproduce assertion: both increments are visible (x0 = 1) "
        + "(replay shows: no violation)")
  }

  @Test func violationNotReproducedWithSomethingElseSeen() throws {
    let error = try #require(
      try error(CanonicalSystems.twoLockDeadlock, "0,1", violation: Self.lostUpdateViolation))
    #expect(
      error.description
        == "the trace does not reproduce assertion: both increments are visible (x0 = 1) "
        + "(replay shows: deadlock: no thread can move; blocked: t0, t1)")
  }

  @Test func validationPassesWhenTheViolationIsShown() throws {
    #expect(
      try error(CanonicalSystems.lostUpdate, "0,1,0,1", violation: Self.lostUpdateViolation)
        == nil)
    #expect(try error(CanonicalSystems.lostUpdate, "0,0", violation: nil) == nil)
  }

  @Test func explorerFailures() {
    #expect(throws: Explorer.Failure.badDepthBound(0)) {
      try Explorer.explore(CanonicalSystems.lostUpdate, configuration: Configuration(depthBound: 0))
    }
    #expect(
      Explorer.Failure.badDepthBound(0).description == "the depth bound must be at least 1, not 0")
    let many = MiniProgram(
      name: "many", variables: 1,
      threads: Array(repeating: [.load(register: 0, variable: 0)], count: 17))
    #expect(throws: Explorer.Failure.tooManyThreads(17)) { try Explorer.explore(many) }
    #expect(
      Explorer.Failure.tooManyThreads(17).description
        == "the system has 17 threads; at most 16 are supported")
  }
}
