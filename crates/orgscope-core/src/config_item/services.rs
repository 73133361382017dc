//! Mappers of the services resource types (see the module above).

use super::Mapper;

pub(super) const MAPPERS: &[Mapper] = &[];

/// (kind, field) the crawl fills and these types' items do not carry.
pub(super) const NOT_RECORDED: &[(&str, &str)] = &[];
