import SimCore
internal import DequeModule

/// One HTTP/2 connection from a control-plane instance to a backend address. Under ClusterIP
/// routing the address is the Service's, and `pod` is where kube-proxy sent this connection.
struct Connection {
  enum State: UInt8 { case settingUp, ready, silent, closed }

  let instance: Int32
  let server: Int32
  let pod: Int32
  /// The pool it belongs to (`Transport.pools`).
  let pool: Int32
  var state = State.settingUp
  var generation: UInt32 = 0
  /// Streams in use (requests sent and not yet answered or reset).
  var activeStreams = 0
  /// Requests waiting for the handshakes to finish.
  var waiting: [UInt32] = []
  /// When the connection last received a frame (a response, or a PING ack while idle).
  var lastFrame = SimTime.zero
}

/// The transport of one control-plane instance to one extension server: its connections,
/// the streams each grants, and the requests waiting for a stream (research §1a, §2.4).
struct TransportPool {
  /// Indices of this pool's open connections (setting up, ready or silent) in the global table.
  var connections: [Int32] = []
  /// Requests waiting for a free stream under the `.queue` rule.
  var waitingForStream = Deque<UInt32>()
  /// Picks kube-proxy's pod for a new connection and endpoint routing's pod for a request.
  let routingStream: RandomSource

  init(routingStream: RandomSource) {
    self.routingStream = routingStream
  }
}
