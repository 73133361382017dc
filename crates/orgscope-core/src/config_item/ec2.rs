//! Mappers of the ec2 resource types (see the module above).

use super::Mapper;

pub(super) const MAPPERS: &[Mapper] = &[];

/// Fields of these kinds the crawl reads and Config's items do not hold:
/// (kind, field), left null.
pub(super) const NOT_RECORDED: &[(&str, &str)] = &[];
