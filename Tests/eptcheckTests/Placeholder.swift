import Testing

@Test func placeholdereptcheckTests() {}
