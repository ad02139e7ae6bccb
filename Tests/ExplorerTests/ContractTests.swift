import Explorer
import ExplorerTestSupport
import Testing

/// The systems the engine is tested on keep the `TransitionSystem` contract; and the checker
/// catches the breach (a value-dependent CAS footprint) that once made DPOR miss traces.
@Suite struct ContractTests {
  @Test(arguments: CanonicalCase.all)
  func canonicalSystemsKeepTheContract(_ c: CanonicalCase) {
    let breaches = ContractChecker.check(c.program)
    #expect(breaches.isEmpty, "\(breaches.map(\.description))")
  }

  @Test func generatedProgramsKeepTheContract() {
    for (seed, program) in Corpus.programs.prefix(200) {
      let breaches = ContractChecker.check(program, maxStates: 2_000)
      #expect(breaches.isEmpty, "seed \(seed): \(breaches.map(\.description))\n\(program)")
    }
  }

  /// A CAS whose footprint is a read while it would fail: the footprint of `t1` changes when `t0`
  /// writes the value it compares against.
  struct ValueDependentCAS: TransitionSystem {
    struct State: Hashable, Sendable {
      var x = 0
      var done = [false, false]
    }
    var threadCount: Int { 2 }
    var initialState: State { State() }
    func status(of thread: Int, in state: State) -> StepStatus {
      if state.done[thread] { return .finished }
      if thread == 0 { return .enabled(Footprint([(object: 0, mode: .write)]), choices: 1) }
      let succeeds = state.x == 1
      return .enabled(
        Footprint([(object: 0, mode: succeeds ? .readModifyWrite : .read)]), choices: 1)
    }
    func execute(thread: Int, choice: Int, in state: inout State) -> Violation? {
      if thread == 0 {
        state.x = 1
      } else if state.x == 1 {
        state.x = 2
      }
      state.done[thread] = true
      return nil
    }
  }

  @Test func aValueDependentFootprintIsABreach() {
    let breaches = ContractChecker.check(ValueDependentCAS())
    #expect(
      breaches.map(\.description) == [
        "after [0]: t0's step changed t1's footprint: {0} before, {0!} after"
      ])
  }

  /// Two steps that claim to be independent but do not commute.
  struct FalseIndependence: TransitionSystem {
    struct State: Hashable, Sendable {
      var x = 0
      var done = [false, false]
    }
    var threadCount: Int { 2 }
    var initialState: State { State() }
    func status(of thread: Int, in state: State) -> StepStatus {
      state.done[thread]
        ? .finished : .enabled(Footprint([(object: thread, mode: .write)]), choices: 1)
    }
    func execute(thread: Int, choice: Int, in state: inout State) -> Violation? {
      state.x = thread
      state.done[thread] = true
      return nil
    }
  }

  @Test func aMissingObjectIsABreach() {
    let breaches = ContractChecker.check(FalseIndependence())
    #expect(
      breaches.map(\.description) == ["after []: t0/0 and t1/0 do not conflict but do not commute"])
  }
}
