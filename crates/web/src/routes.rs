//! The route table: the router is built through it, so the list of every
//! path and method the server answers is a by-product of building it, never
//! a second list to keep in step. `kith routes` prints it; the authorization
//! matrix and the OpenAPI coverage test read it from there (tests/web).
//!
//! It mirrors axum's builder (`route`, `nest`, `merge`, `layer`, and the
//! `get`/`post`/… method routers), so a route is added the usual way.
//! `clippy.toml` forbids axum's own `Router::route`, `nest` and `merge`
//! everywhere else, so a route cannot be added around the table.
#![allow(clippy::disallowed_methods)]

use std::convert::Infallible;

use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use serde::Serialize;
use tower::{Layer, Service};

use super::AppState;

/// One path and the methods it answers; `*` for every method (CardDAV).
#[derive(Debug, Clone, Serialize)]
pub struct RouteInfo {
    pub path: String,
    pub methods: Vec<&'static str>,
}

/// A router and the list of what it routes.
#[derive(Default)]
pub struct RouteTable {
    router: Router<AppState>,
    list: Vec<RouteInfo>,
}

impl RouteTable {
    pub fn new() -> RouteTable {
        RouteTable::default()
    }

    pub fn route(mut self, path: &str, methods: Methods) -> RouteTable {
        self.router = self.router.route(path, methods.router);
        self.list.push(RouteInfo {
            path: path.to_owned(),
            methods: methods.names,
        });
        self
    }

    pub fn nest(mut self, prefix: &str, other: RouteTable) -> RouteTable {
        self.router = self.router.nest(prefix, other.router);
        self.list.extend(other.list.into_iter().map(|r| RouteInfo {
            path: format!("{prefix}{}", r.path),
            methods: r.methods,
        }));
        self
    }

    pub fn merge(mut self, other: RouteTable) -> RouteTable {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// What answers a path no route matches; not a route of its own.
    pub fn fallback<H, T>(mut self, handler: H) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self
    }

    /// A layer around every route added so far, as `Router::layer`.
    pub fn layer<L>(mut self, layer: L) -> RouteTable
    where
        L: Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.router = self.router.layer(layer);
        self
    }

    pub fn routes(&self) -> &[RouteInfo] {
        &self.list
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// The handlers of one path by method, and the methods' names.
pub struct Methods {
    router: MethodRouter<AppState>,
    names: Vec<&'static str>,
}

macro_rules! methods {
    ($($name:ident $upper:literal),*) => {
        $(
            // The whole set, as axum has it, whether or not a route uses it yet.
            #[allow(dead_code)]
            pub fn $name<H, T>(handler: H) -> Methods
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                Methods {
                    router: axum::routing::$name(handler),
                    names: vec![$upper],
                }
            }
        )*

        impl Methods {
            $(
                #[allow(dead_code)]
                pub fn $name<H, T>(mut self, handler: H) -> Methods
                where
                    H: Handler<T, AppState>,
                    T: 'static,
                {
                    self.router = self.router.$name(handler);
                    self.names.push($upper);
                    self
                }
            )*
        }
    };
}

methods!(get "GET", post "POST", put "PUT", patch "PATCH", delete "DELETE");

/// Every method to one handler (CardDAV's PROPFIND, REPORT, … included).
pub fn any<H, T>(handler: H) -> Methods
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Methods {
        router: axum::routing::any(handler),
        names: vec!["*"],
    }
}

impl Methods {
    /// Every method to a service answered elsewhere ([`crate::Mounted`]).
    pub fn service(router: MethodRouter<AppState>) -> Methods {
        Methods {
            router,
            names: vec!["*"],
        }
    }

    /// Methods axum has no router of its own for (WebDAV's PROPFIND), by
    /// name, to one handler, which also answers any other method the rest
    /// do not (`MethodRouter::fallback`).
    pub fn others<H, T>(mut self, names: &[&'static str], handler: H) -> Methods
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self.names.extend_from_slice(names);
        self
    }

    /// A layer around these handlers only, as `MethodRouter::layer`.
    pub fn layer<L>(mut self, layer: L) -> Methods
    where
        L: Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.router = self.router.layer(layer);
        self
    }
}
