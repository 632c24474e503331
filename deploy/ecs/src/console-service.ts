import { CfnOutput, Duration, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { EdiService } from './service';
import { HTTP_PORT } from './sizing';

/** The console's load balancer and identity provider (CDK context `ediflow:console`, deploy/ecs/README.md "Ops console"). */
export interface ConsoleSettings {
  /** ACM certificate of the HTTPS listener (in the stack's region). */
  certificateArn: string;
  /** true: an internet-facing ALB in the public subnets; default false: internal, reachable from the VPC and what is routed to it. */
  internetFacing?: boolean;
  /** CIDRs admitted to 443 (and the 80 redirect); default the VPC's CIDR when internal, 0.0.0.0/0 when internet-facing. */
  allowedCidrs?: readonly string[];
  /** The IdP's OIDC client of the ALB. */
  oidc: {
    issuer: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    userInfoEndpoint: string;
    clientId: string;
    /** Secrets Manager secret (name or ARN) holding the client secret; `field` for a JSON secret. */
    clientSecret: { secret: string; field?: string };
    /** Default `openid email groups`. */
    scope?: string;
  };
  /** Groups (values of the groups claim) of the operator role (may replay). */
  operatorGroups: readonly string[];
  /** Groups of the read-only role. */
  readOnlyGroups?: readonly string[];
  /** The claim holding the groups; default `groups`. */
  groupsClaim?: string;
  /** The claim naming the user in the audit log; default `email`. */
  userClaim?: string;
}

export interface ConsoleLoadBalancerProps {
  vpc: ec2.IVpc;
  settings: ConsoleSettings;
  /** The console's own security group: the only one the load balancer reaches. */
  consoleSecurityGroup: ec2.ISecurityGroup;
}

const LISTEN_HTTPS = 443;
const LISTEN_HTTP = 80;

/**
 * The console's Application Load Balancer: HTTPS 443 whose default action authenticates with the
 * IdP (authenticate-oidc) and then forwards to the console's target group, and HTTP 80 that only
 * redirects to HTTPS. Its security group opens 443 and 80 to the allowed CIDRs and sends only to
 * the console's port (plus HTTPS out, for the IdP's token and user-info endpoints).
 */
export class ConsoleLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: ConsoleLoadBalancerProps) {
    super(scope, id);
    const s = props.settings;
    const internetFacing = s.internetFacing ?? false;
    this.securityGroup = new ec2.SecurityGroup(this, 'AlbSg', {
      vpc: props.vpc,
      description: `ediflow console load balancer (${internetFacing ? 'internet-facing' : 'internal'})`,
      allowAllOutbound: false,
    });
    const cidrs = s.allowedCidrs ?? (internetFacing ? ['0.0.0.0/0'] : [props.vpc.vpcCidrBlock]);
    for (const [i, cidr] of cidrs.entries()) {
      const peer = ec2.Peer.ipv4(cidr);
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(LISTEN_HTTPS), `console HTTPS ${i + 1}`);
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(LISTEN_HTTP), `console HTTP redirect ${i + 1}`);
    }
    // The ALB itself calls the IdP's token and user-info endpoints.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(LISTEN_HTTPS), 'IdP token and user-info endpoints');
    this.securityGroup.addEgressRule(props.consoleSecurityGroup, ec2.Port.tcp(HTTP_PORT), 'the console tasks');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
    });
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: HTTP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      // Each task samples the broker itself: a browser stays on one task, so its sparklines do not jump between two histories.
      stickinessCookieDuration: Duration.hours(8),
      healthCheck: { path: '/healthz', healthyHttpCodes: '200', interval: Duration.seconds(15), timeout: Duration.seconds(5) },
    });
    const secret = s.oidc.clientSecret;
    this.loadBalancer.addListener('Https', {
      port: LISTEN_HTTPS,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      open: false,
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      certificates: [elbv2.ListenerCertificate.fromArn(s.certificateArn)],
      defaultAction: elbv2.ListenerAction.authenticateOidc({
        issuer: s.oidc.issuer,
        authorizationEndpoint: s.oidc.authorizationEndpoint,
        tokenEndpoint: s.oidc.tokenEndpoint,
        userInfoEndpoint: s.oidc.userInfoEndpoint,
        clientId: s.oidc.clientId,
        clientSecret: SecretValue.secretsManager(secret.secret, secret.field ? { jsonField: secret.field } : {}),
        scope: s.oidc.scope ?? 'openid email groups',
        onUnauthenticatedRequest: elbv2.UnauthenticatedAction.AUTHENTICATE,
        sessionTimeout: Duration.hours(8),
        next: elbv2.ListenerAction.forward([this.targetGroup]),
      }),
    });
    this.loadBalancer.addListener('HttpRedirect', {
      port: LISTEN_HTTP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(LISTEN_HTTPS), permanent: true }),
    });
    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.loadBalancer.loadBalancerDnsName}/`, description: 'The ops console (point a DNS name of the certificate at it)' });
  }

  /** Registers the console service's tasks; the service may scale between 1 and 2 tasks. */
  attach(console: EdiService): ecs.ScalableTaskCount {
    this.targetGroup.addTarget(console.service.loadBalancerTarget({ containerName: 'app', containerPort: HTTP_PORT }));
    const scaling = console.service.autoScaleTaskCount({ minCapacity: 1, maxCapacity: 2 });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    return scaling;
  }
}
