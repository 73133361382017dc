//! Mappers of the iam resource types (see the module above).

use super::Mapper;

pub(super) const MAPPERS: &[Mapper] = &[];
