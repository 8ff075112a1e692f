"""ManagerService: sizes signals into orders under the risk policy, or rejects them with every reason."""

from qtrader.services.manager.policy import Policy, load_policy
from qtrader.services.manager.service import ManagerService

__all__ = ["ManagerService", "Policy", "load_policy"]
