//! Mappers of the ec2 resource types (see the module above).

use super::Mapper;

pub(super) const MAPPERS: &[Mapper] = &[];
