//! Many D-Bus method calls in flight at once.
//!
//! A blocking call waits a whole round trip (and NetworkManager's work) for
//! each reply before the next call leaves. Here the calls are futures polled
//! together on the calling thread: they go out one after the other without
//! waiting, zbus matches their replies by serial number as they come back
//! (its own thread reads the socket), and the caller gets them in the order
//! of the calls.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// How many calls may wait for their replies at once. The reference
/// dbus-daemon refuses a connection's calls past 128 pending replies
/// (`max_replies_per_connection`); this stays well below, and a window of
/// this size already keeps NetworkManager busy all the time.
pub(crate) const IN_FLIGHT: usize = 64;

/// Wakes the thread that waits.
struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Run the futures together, at most [`IN_FLIGHT`] at once, and return
/// their outputs in their order. A future is first polled (and so its call
/// sent) only when there is room for it.
pub(crate) fn run<T, F>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: Future<Output = T>,
{
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut source = futures.into_iter().enumerate();
    let mut flight: Vec<(usize, Pin<Box<F>>)> = Vec::new();
    let mut done: Vec<Option<T>> = Vec::new();
    loop {
        while flight.len() < IN_FLIGHT {
            let Some((i, f)) = source.next() else { break };
            done.push(None);
            flight.push((i, Box::pin(f)));
        }
        if flight.is_empty() {
            break;
        }
        let before = flight.len();
        flight.retain_mut(|(i, f)| match f.as_mut().poll(&mut cx) {
            Poll::Ready(v) => {
                done[*i] = Some(v);
                false
            }
            Poll::Pending => true,
        });
        // Nothing finished: wait for a wake (one that came meanwhile
        // returns at once).
        if flight.len() == before {
            std::thread::park();
        }
    }
    done.into_iter()
        .map(|v| v.expect("every future ran to its end"))
        .collect()
}

/// One method call to `dest` and its reply's body, as a future that owns
/// everything it needs (what [`run`] takes).
pub(crate) fn call<B, R>(
    conn: &zbus::Connection,
    dest: &'static str,
    path: String,
    iface: &'static str,
    member: &'static str,
    body: B,
) -> impl Future<Output = zbus::Result<R>>
where
    B: serde::Serialize + zbus::zvariant::DynamicType,
    R: serde::de::DeserializeOwned + zbus::zvariant::Type,
{
    let conn = conn.clone();
    async move {
        let reply = conn
            .call_method(Some(dest), path.as_str(), Some(iface), member, &body)
            .await?;
        reply.body().deserialize::<R>()
    }
}
