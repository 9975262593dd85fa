package dev.switchboard.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The data plane's sockets: Linux's epoll where Netty's native library loads, else Java NIO. */
enum Transport {
  EPOLL,
  NIO;

  /** The transport in use: epoll if available, unless {@code -Dswitchboard.transport=nio}. */
  static final Transport IO =
      !"nio".equals(System.getProperty("switchboard.transport")) && Epoll.isAvailable() ? EPOLL : NIO;

  IoHandlerFactory handler() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  Class<? extends ServerChannel> server() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends Channel> client() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  Class<? extends DatagramChannel> datagram() {
    return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }
}
