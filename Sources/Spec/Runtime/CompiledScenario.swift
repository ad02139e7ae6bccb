import Explorer

struct CompiledThread: Sendable {
  var name: String
  var function: Int32
  var arguments: [Value]
}

struct CompiledScenario: Sendable {
  var name: String
  var location: SourceLocation
  var expectation: Expectation
  /// The other kinds a bug variant's expectation allows (`expect violation a, b;`).
  var alsoExpected: [String] = []
  var threads: [CompiledThread]
  var initFunction: Int32?
  var finallyFunction: Int32?
  /// The threads whose return values `finally` sees, in parameter order.
  var finallyThreads: [Int] = []
  /// Built from the actor catalogue.
  var isSynthesized = false
}
